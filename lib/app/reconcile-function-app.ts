import { composeAppParts, type TandemAppOptions } from './app-parts.js';
import { reconcileUseCase } from './reconcile-use-case.js';
import type { ReconcileFunctionApp } from './tandem-app.js';

/** The reconcile function's slice of the app: no task types, no runner, no API. */
export function createReconcileFunctionApp(options: TandemAppOptions): ReconcileFunctionApp {
  const parts = composeAppParts(options);
  const { config, logger, metrics } = parts;
  return { config, logger, metrics, reconcile: reconcileUseCase(parts) };
}
