import { createApiFunctionApp } from '../app/api-function-app.js';
import { type ApiHandler, createApiHandler } from '../handlers/api-handler.js';
import { appOptionsOf, once, type TandemFunctionOptions } from './function-options.js';

/**
 * The api function alone: the same handler as `createTandem(…).handlers.api`, over only the use cases it
 * calls, so its bundle carries no runner or reconciler. Nothing is read or connected until the first request.
 *
 * @example
 * export const handler = createApiFunction({ tasks });
 */
export function createApiFunction(options: TandemFunctionOptions = {}): ApiHandler {
  return createApiHandler(once(() => createApiFunctionApp(appOptionsOf(options))));
}
