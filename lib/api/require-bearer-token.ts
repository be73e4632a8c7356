import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env.js';
import { createBearerTokenCheck } from './check-bearer-token.js';
import { UnauthorizedError } from './errors.js';

/** Refuses (401) any request without one of `tokens` as its bearer token, unknown routes included. */
export function requireBearerToken(tokens: readonly string[]): MiddlewareHandler<ApiEnv> {
  const isAuthorized = createBearerTokenCheck(tokens);
  return async (c, next) => {
    if (!isAuthorized(c.req.header('authorization'))) throw new UnauthorizedError();
    await next();
  };
}
