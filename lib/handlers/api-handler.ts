import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { createApiApp } from '../api/create-api-app.js';
import type { ApiFunctionApp } from '../app/tandem-app.js';

/** An API Gateway HTTP API (payload format 2.0) handler. */
export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The api function over `app()`: the HTTP API behind Hono's Lambda adapter, built on the first request.
 * Metrics (failovers, breaker transitions) are flushed once per invocation, whatever happened.
 *
 * @example
 * export const handler = createApiHandler(() => app);
 */
export function createApiHandler(app: () => ApiFunctionApp): ApiHandler {
  let serve: ReturnType<typeof handle> | undefined;
  return async (event, context) => {
    const tandem = app();
    if (context) tandem.logger.addContext?.(context);
    serve ??= handle(createApiApp(tandem));
    try {
      // Hono declares its own copy of the event types, stricter than aws-lambda's in fields it does not
      // read (e.g. `requestContext.authorizer`); for a 2.0 event the result's headers are plain strings.
      const result = await serve(event as unknown as LambdaEvent, context);
      return result as APIGatewayProxyStructuredResultV2;
    } finally {
      tandem.metrics.flush();
    }
  };
}
