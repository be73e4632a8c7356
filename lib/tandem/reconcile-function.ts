import { createReconcileFunctionApp } from '../app/reconcile-function-app.js';
import { createReconcileHandler, type ReconcileHandler } from '../handlers/reconcile-handler.js';
import { appOptionsOf, once, type TandemFunctionOptions } from './function-options.js';

/**
 * The reconcile function alone: the same handler as `createTandem(…).handlers.reconcile`, without task
 * types, runner or API. Nothing is read or connected until the first pass.
 *
 * @example
 * export const handler = createReconcileFunction();
 */
export function createReconcileFunction(options: TandemFunctionOptions = {}): ReconcileHandler {
  return createReconcileHandler(once(() => createReconcileFunctionApp(appOptionsOf(options))));
}
