import { composeAppParts, registryOf, type TandemAppOptions } from './app-parts.js';
import { consumeUseCases } from './consume-use-cases.js';
import type { ConsumeFunctionApp } from './tandem-app.js';

/** The consume function's slice of the app: the runner, without the API or the enqueue use cases. */
export function createConsumeFunctionApp(options: TandemAppOptions): ConsumeFunctionApp {
  const parts = composeAppParts(options);
  const { config, logger, metrics } = parts;
  return { config, logger, metrics, ...consumeUseCases({ ...parts, registry: registryOf(options) }) };
}
