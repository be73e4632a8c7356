import { composeAppParts, registryOf, type TandemAppOptions } from './app-parts.js';
import { enqueueUseCases } from './enqueue-use-cases.js';
import type { TriggerFunctionApp } from './tandem-app.js';

/** The schedule and events functions' slice of the app: enqueue, and nothing else. */
export function createTriggerFunctionApp(options: TandemAppOptions): TriggerFunctionApp {
  const parts = composeAppParts(options);
  const { config, logger, metrics } = parts;
  return { config, logger, metrics, ...enqueueUseCases(parts, registryOf(options)) };
}
