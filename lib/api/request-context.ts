import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../observability/logger.js';
import type { ApiEnv } from './api-env.js';
import { safeRequestId, traceIdFrom } from './trace-id.js';

/**
 * Gives each request its ids (API Gateway's request id, else a fresh one; the trace id from the
 * tracing headers, else the request id) and writes one line when it ends: method, route pattern (never
 * the raw path, which holds task ids; never headers, which hold tokens), status and duration.
 */
export function requestContext(logger: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = safeRequestId(c.env?.requestContext?.requestId, randomUUID);
    const traceId = traceIdFrom(c.req.raw.headers, requestId);
    const requestLogger = logger.child({ requestId, traceId });
    c.set('requestId', requestId);
    c.set('traceId', traceId);
    c.set('logger', requestLogger);
    await next();
    c.header('X-Request-Id', requestId);
    const route = routePath(c, -1);
    requestLogger.info('request', {
      method: c.req.method,
      route: route === '*' || route === '/*' ? '(unmatched)' : route,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
