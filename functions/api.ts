import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { createApiApp } from '../lib/api/index.js';
import type { Runtime } from '../lib/runtime/index.js';
import { containerRuntime } from './container.js';

/** An API Gateway HTTP API (payload format 2.0) handler. */
export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The api function over `runtime`: the HTTP API app behind Hono's Lambda adapter. Metrics (failovers,
 * breaker transitions) are flushed once per invocation, whatever happened.
 *
 * @example
 * const api = createApiHandler(runtime);
 * const response = await api(apiGatewayEvent, context);
 */
export function createApiHandler(runtime: Runtime): ApiHandler {
  const serve = handle(createApiApp(runtime));
  return async (event, context) => {
    if (context) runtime.logger.addContext?.(context);
    try {
      // Hono declares its own copy of the event types, stricter than aws-lambda's in fields it does not
      // read (e.g. `requestContext.authorizer`); for a 2.0 event the result's headers are plain strings.
      const result = await serve(event as unknown as LambdaEvent, context);
      return result as APIGatewayProxyStructuredResultV2;
    } finally {
      runtime.metrics.flush();
    }
  };
}

let api: ApiHandler | undefined;

/** The Lambda entry point; builds the container's runtime on the first invocation. */
export const handler: ApiHandler = (event, context) => {
  api ??= createApiHandler(containerRuntime());
  return api(event, context);
};
