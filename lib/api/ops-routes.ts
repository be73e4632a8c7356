import { Hono } from 'hono';
import type { ApiEnv, ApiRuntime } from './api-env.js';

/**
 * `GET /health` and `GET /queues`. Both always answer with both backends, each marked up or down:
 * 200 while at least one of them answers, else 503. One side being down is a fact to report, not a 500.
 * While this container sees Redis unreachable, `/health` says since when; `/queues` adds the number of
 * tasks per state that Redis holds, finished ones included.
 */
export function opsRoutes(runtime: ApiRuntime): Hono<ApiEnv> {
  const retryAfter = {
    'Retry-After': String(Math.max(1, Math.ceil(runtime.config.breaker.cooldownMs / 1000))),
  };
  return new Hono<ApiEnv>()
    .get('/health', async (c) => {
      const health = await runtime.health();
      for (const [backend, probe] of Object.entries(health)) {
        if (!probe.ok) c.var.logger.warn('health probe failed', { backend, error: probe.error });
      }
      const since = runtime.ops.redisUnreachableSince();
      const body = {
        redis: {
          ok: health.redis.ok,
          latencyMs: health.redis.latencyMs,
          breaker: health.redis.breaker,
          ...(since !== undefined && { unreachableSince: new Date(since).toISOString() }),
        },
        sqs: { ok: health.sqs.ok, latencyMs: health.sqs.latencyMs },
      };
      const up = body.redis.ok || body.sqs.ok;
      return up ? c.json(body, 200) : c.json(body, 503, retryAfter);
    })
    .get('/queues', async (c) => {
      const [overview, counts] = await Promise.all([
        runtime.queues(),
        runtime.ops.stateCounts().catch(() => undefined),
      ]);
      const body: Record<string, unknown> = {};
      for (const [backend, side] of Object.entries(overview)) {
        if (side.available) body[backend] = backend === 'redis' && counts ? { ...side, counts } : side;
        else {
          c.var.logger.warn('queue depths unavailable', { backend, error: side.error });
          body[backend] = { available: false };
        }
      }
      // Per Redis state: depth and age of the oldest entry (ms). SQS's API gives approximate counts only;
      // the age of the oldest message is a CloudWatch metric.
      const up = overview.redis.available || overview.sqs.available;
      return up ? c.json(body, 200) : c.json(body, 503, retryAfter);
    });
}
