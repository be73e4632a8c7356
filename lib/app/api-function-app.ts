import { composeAppParts, registryOf, type TandemAppOptions } from './app-parts.js';
import { enqueueUseCases } from './enqueue-use-cases.js';
import { operatorUseCases } from './operator-use-cases.js';
import type { ApiFunctionApp } from './tandem-app.js';

/** The api function's slice of the app: no runner, no reconciler in its bundle. */
export function createApiFunctionApp(options: TandemAppOptions): ApiFunctionApp {
  const parts = composeAppParts(options);
  const { config, logger, metrics } = parts;
  return {
    config,
    logger,
    metrics,
    ...enqueueUseCases(parts, registryOf(options)),
    ...operatorUseCases(parts),
  };
}
