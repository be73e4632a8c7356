import type { ScheduledEvent } from 'aws-lambda';
import type { InvocationContext } from '../lib/observability/index.js';
import type { ReconcileReport } from '../lib/reconcile/index.js';
import type { Runtime } from '../lib/runtime/index.js';
import { containerRuntime } from './container.js';

/**
 * Any event (the schedule's, or none for a manual run) → what the pass did; the context only labels log
 * lines.
 */
export type ReconcileHandler = (
  event?: ScheduledEvent,
  context?: InvocationContext,
) => Promise<ReconcileReport>;

/**
 * The reconciler over `runtime`, run by a one-minute schedule with a reserved concurrency of one (and a
 * Redis lock besides). The event carries nothing it needs; a manual invoke with `{}` works the same.
 * Steps that fail are listed in the report's `errors`: the pass itself does not throw, so Lambda does not
 * retry it (the next minute's run is the retry).
 *
 * @example
 * const report = await createReconcileHandler(runtime)();
 */
export function createReconcileHandler(runtime: Runtime): ReconcileHandler {
  return async (_event, context) => {
    if (context) runtime.logger.addContext?.(context);
    return runtime.reconcile();
  };
}

let reconcile: ReconcileHandler | undefined;

/** The Lambda entry point; builds the container's runtime on the first invocation. */
export const handler: ReconcileHandler = (event, context) => {
  reconcile ??= createReconcileHandler(containerRuntime());
  return reconcile(event, context);
};
