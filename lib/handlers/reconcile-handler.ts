import type { ScheduledEvent } from 'aws-lambda';
import type { ReconcileFunctionApp } from '../app/tandem-app.js';
import type { InvocationContext } from '../observability/logger.js';
import type { ReconcileReport } from '../reconcile/reconcile.js';

/** Any event (the schedule's, or none for a manual run) → what the pass did. */
export type ReconcileHandler = (
  event?: ScheduledEvent,
  context?: InvocationContext,
) => Promise<ReconcileReport>;

/**
 * The reconciler over `app()`, run by a one-minute schedule with a reserved concurrency of one (and a
 * Redis lock besides). The event carries nothing it needs; a manual invoke with `{}` works the same.
 * Steps that fail are listed in the report's `errors`: the pass itself does not throw, so Lambda does not
 * retry it (the next minute's run is the retry).
 *
 * @example
 * export const handler = createReconcileHandler(() => app);
 */
export function createReconcileHandler(app: () => ReconcileFunctionApp): ReconcileHandler {
  return async (_event, context) => {
    const tandem = app();
    if (context) tandem.logger.addContext?.(context);
    return tandem.reconcile();
  };
}
