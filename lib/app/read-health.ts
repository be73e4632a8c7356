import { errorMessage } from '../observability/error-message.js';
import type { QueuePorts } from '../queue/index.js';
import type { Health, QueueOverview } from './tandem-app.js';

/** Probes Redis (behind its guard) and SQS; never throws: a backend down is a fact to report. */
export async function readHealth(
  ports: Pick<QueuePorts, 'redis' | 'sqsHealth' | 'breakerState'>,
): Promise<Health> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  const [redis, sqs] = await Promise.all([
    ports.redis.ping().then(
      () => ({ ok: true, latencyMs: latencyMs(), breaker: ports.breakerState() }),
      (error: unknown) => ({
        ok: false,
        latencyMs: latencyMs(),
        breaker: ports.breakerState(),
        error: errorMessage(error),
      }),
    ),
    ports.sqsHealth(),
  ]);
  return { redis, sqs };
}

/** Depths of both backends, each side marked unavailable (with why) when it cannot answer. */
export async function readQueueOverview(
  ports: Pick<QueuePorts, 'redis' | 'sqsDepths'>,
): Promise<QueueOverview> {
  const [redis, sqs] = await Promise.allSettled([ports.redis.depths(), ports.sqsDepths()]);
  return {
    redis:
      redis.status === 'fulfilled'
        ? { available: true, ...redis.value }
        : { available: false, error: errorMessage(redis.reason) },
    sqs:
      sqs.status === 'fulfilled'
        ? { available: true, ...sqs.value }
        : { available: false, error: errorMessage(sqs.reason) },
  };
}
