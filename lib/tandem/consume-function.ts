import { createConsumeFunctionApp } from '../app/consume-function-app.js';
import { type ConsumeHandler, createConsumeHandler } from '../handlers/consume-handler.js';
import { appOptionsOf, once, type TandemFunctionOptions } from './function-options.js';

/**
 * The consume function alone: the same handler as `createTandem(…).handlers.consume`, over the runner
 * only (no Hono, API or dashboard in its bundle). Nothing is read or connected until the first event.
 *
 * @example
 * export const handler = createConsumeFunction({ tasks });
 */
export function createConsumeFunction(options: TandemFunctionOptions = {}): ConsumeHandler {
  return createConsumeHandler(once(() => createConsumeFunctionApp(appOptionsOf(options))));
}
