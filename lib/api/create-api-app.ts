import { Hono } from 'hono';
import type { ApiEnv, ApiRuntime } from './api-env.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { deadLetterRoutes } from './dead-letter-routes.js';
import { toErrorResponse } from './error-response.js';
import { NotFoundError } from './errors.js';
import { eventsRoutes } from './events-routes.js';
import { opsRoutes } from './ops-routes.js';
import { requestContext } from './request-context.js';
import { requireBearerToken } from './require-bearer-token.js';
import { taskListRoutes } from './task-list-routes.js';
import { taskRoutes } from './task-routes.js';

/**
 * Tandem's HTTP API (see the README's HTTP API table and docs/contract.md) as one Hono app, served in Lambda through `hono/aws-lambda`
 * and locally through `@hono/node-server`. Every route but the dashboard needs a bearer token; every error is JSON
 * `{ error: { code, message, issues? } }`.
 *
 * @example
 * export const handler = handle(createApiApp(runtime));      // Lambda (API Gateway HTTP API)
 * serve({ fetch: createApiApp(runtime).fetch, port: 3000 }); // local stack
 */
export function createApiApp(runtime: ApiRuntime): Hono<ApiEnv> {
  const retryAfterSeconds = runtime.config.breaker.cooldownMs / 1000;
  const app = new Hono<ApiEnv>();
  app.use('*', requestContext(runtime.logger));
  // Before the token check: the dashboard's files hold no data (the page asks for the token itself).
  app.route('/dashboard', dashboardRoutes());
  app.use('*', requireBearerToken(runtime.config.api.tokens));
  app.route('/tasks', taskListRoutes(runtime));
  app.route('/tasks', taskRoutes(runtime));
  app.route('/dead', deadLetterRoutes(runtime));
  app.route('/', opsRoutes(runtime));
  app.route('/', eventsRoutes(runtime));
  app.notFound(() => {
    throw new NotFoundError('no such route');
  });
  app.onError((error, c) => {
    const response = toErrorResponse(error, { retryAfterSeconds });
    const logger = c.var.logger ?? runtime.logger;
    if (response.severity === 'error') logger.error('request failed', { error });
    if (response.severity === 'warn') logger.warn('backend unavailable', { error });
    return c.json(response.body, response.status, response.headers);
  });
  return app;
}
