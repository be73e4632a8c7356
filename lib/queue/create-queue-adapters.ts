import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from '@upstash/redis';
import type { Config } from '../config/config-schema.js';
import type { BreakerState } from './guard/circuit-breaker.js';
import { RedisGuard } from './guard/redis-guard.js';
import { createRedisClient } from './redis/create-redis-client.js';
import { RedisOpsStore } from './redis/redis-ops-store.js';
import { RedisTaskQueue } from './redis/redis-task-queue.js';
import type { RedisTransport } from './redis/redis-transport.js';
import { createSqsBackend, type SqsBackend } from './sqs/create-sqs-backend.js';
import { createSqsClient } from './sqs/create-sqs-client.js';

/** The raw adapters of a container: only `lib/queue` and test set-up hold these. */
export interface QueueAdapters {
  redis: RedisTaskQueue;
  sqs: SqsBackend;
  guard: RedisGuard;
  /** True for a FIFO task queue (no per-message delays). */
  fifo: boolean;
  /** The listing, counts, timeline and paced replays, on the same Redis client. */
  ops: RedisOpsStore;
}

export interface QueueAdapterOptions {
  /** Clients made elsewhere (tests, the local stack); by default they are made from the config. */
  redis?: Redis | RedisTransport;
  sqsClient?: SQSClient;
  onBreakerTransition?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * Builds the Redis and SQS adapters and the Redis guard from the config, once per container.
 *
 * @example
 * const adapters = createQueueAdapters(loadConfig(process.env));
 */
export function createQueueAdapters(config: Config, options: QueueAdapterOptions = {}): QueueAdapters {
  const redisClient =
    options.redis ??
    createRedisClient({
      url: config.redis.restUrl,
      token: config.redis.restToken,
      timeoutMs: config.redis.timeoutMs,
    });
  const redis = new RedisTaskQueue({
    redis: redisClient,
    queueName: config.queue.name,
    idempotencyTtlMs: config.queue.idempotencyTtlSeconds * 1000,
    resultTtlMs: config.queue.resultTtlSeconds * 1000,
  });
  const sqsClient =
    options.sqsClient ??
    createSqsClient({
      region: config.sqs.region,
      timeoutMs: config.sqs.timeoutMs,
      endpoint: config.sqs.endpoint,
    });
  const guard = new RedisGuard({
    ...config.breaker,
    timeoutMs: config.redis.timeoutMs,
    probe: () => redis.ping(),
    ...(options.onBreakerTransition !== undefined && { onTransition: options.onBreakerTransition }),
  });
  const ops = new RedisOpsStore({
    redis: redisClient,
    queueName: config.queue.name,
    resultTtlMs: config.queue.resultTtlSeconds * 1000,
  });
  return { redis, sqs: createSqsBackend(sqsClient, config.sqs), guard, fifo: config.sqs.fifo, ops };
}
