import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from '@upstash/redis';
import type { SQSRecord } from 'aws-lambda';
import type { Config } from '../config/config-schema.js';
import { createLogger } from '../observability/create-logger.js';
import { createMetrics } from '../observability/create-metrics.js';
import { errorMessage } from '../observability/error-message.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { DeadLetterService } from '../queue/dead-letter-service.js';
import { EnqueueService } from '../queue/enqueue-service.js';
import { CircuitBreaker } from '../queue/failover/circuit-breaker.js';
import { FailoverProducer } from '../queue/failover/failover-producer.js';
import { guardedRedisCall } from '../queue/failover/guarded-call.js';
import { createRedisClient } from '../queue/redis/create-redis-client.js';
import { RedisTaskQueue } from '../queue/redis/redis-task-queue.js';
import { createSqsBackend, type SqsBackend } from '../queue/sqs/create-sqs-backend.js';
import { createSqsClient } from '../queue/sqs/create-sqs-client.js';
import { visibilityWaitSeconds } from '../queue/sqs/sqs-delay.js';
import type { RedisDepths, TaskStatus } from '../queue/task-queue.js';
import { reconcile } from '../reconcile/reconcile.js';
import { drainQueue } from '../runner/drain-queue.js';
import type { TaskRun } from '../runner/execute-task.js';
import { processSqsBatch, type SqsDelivery } from '../runner/process-sqs-batch.js';
import type { TaskDefinition } from '../tasks/define-task.js';
import { createHttpTask } from '../tasks/http/http-task.js';
import type { Backend, TaskEnvelope } from '../tasks/task-envelope.js';
import { TaskRegistry } from '../tasks/task-registry.js';
import { createLambdaWaker } from './lambda-waker.js';

export interface RuntimeOptions {
  config: Config;
  /** The deployment's own task types; the built-in `http` type is added. */
  tasks?: readonly TaskDefinition[];
  /** How to start a consumer; default: async-invoke CONSUME_FUNCTION_NAME, or nothing when it is unset. */
  wakeConsumer?: () => Promise<void>;
  logger?: Logger;
  metrics?: Metrics;
  /** Clients made elsewhere (tests, the local stack); by default they are made from the config. */
  redis?: Redis;
  sqsClient?: SQSClient;
  /** Id of this container's consumer in the consumer slot. */
  consumerId?: string;
}

/**
 * Everything a function needs, built once per container from the config: clients, the two queues, the
 * breaker, and the services. Functions call these; they never build clients of their own.
 */
export function createRuntime(options: RuntimeOptions) {
  const { config } = options;
  const logger = options.logger ?? createLogger({ fields: { queue: config.queue.name } });
  const metrics = options.metrics ?? createMetrics({ defaults: { queue: config.queue.name }, logger });
  const registry = new TaskRegistry([
    createHttpTask({ signingSecret: config.http.signingSecret, allowedHosts: config.http.allowedHosts }),
    ...(options.tasks ?? []),
  ]);
  const breaker = new CircuitBreaker({
    ...config.breaker,
    onTransition: (from, to) => {
      logger.warn('redis circuit breaker', { from, to });
      metrics.add('BreakerTransition', 1, { to });
    },
  });
  const redisQueue = new RedisTaskQueue({
    redis:
      options.redis ??
      createRedisClient({
        url: config.redis.restUrl,
        token: config.redis.restToken,
        timeoutMs: config.redis.timeoutMs,
      }),
    queueName: config.queue.name,
    idempotencyTtlMs: config.queue.idempotencyTtlSeconds * 1000,
    resultTtlMs: config.queue.resultTtlSeconds * 1000,
  });
  const sqs: SqsBackend = createSqsBackend(
    options.sqsClient ??
      createSqsClient({
        region: config.sqs.region,
        timeoutMs: config.sqs.timeoutMs,
        endpoint: config.sqs.endpoint,
      }),
    config.sqs,
  );
  const wakeConsumer =
    options.wakeConsumer ??
    (config.consumeFunctionName
      ? createLambdaWaker(config.consumeFunctionName, config.sqs.region)
      : async () => {});
  const producer = new FailoverProducer({
    primary: redisQueue,
    fallback: sqs.tasks,
    breaker,
    primaryTimeoutMs: config.redis.timeoutMs,
    fallbackTimeoutMs: config.sqs.timeoutMs,
    onEvent: (event) => {
      logger.warn(`enqueue ${event.kind}`, { ...event });
      metrics.add(event.kind === 'failover' ? 'Failover' : 'EnqueueUnavailable', event.tasks);
    },
  });
  const enqueue = new EnqueueService({
    registry,
    producer,
    wakeConsumer,
    logger,
    onStored: (receipts) => {
      for (const via of ['redis', 'sqs'] as const) {
        const stored = receipts.filter((receipt) => receipt.via === via && !receipt.duplicate).length;
        if (stored > 0) metrics.add('Enqueued', stored, { via });
      }
      const duplicates = receipts.filter((receipt) => receipt.duplicate).length;
      if (duplicates > 0) metrics.add('DuplicatesSuppressed', duplicates, { at: 'enqueue' });
    },
  });
  const deadLetters = new DeadLetterService({
    redis: redisQueue,
    deadLetters: sqs.deadLetters,
    breaker,
    redisTimeoutMs: config.redis.timeoutMs,
    wakeConsumer,
  });
  const delivery: SqsDelivery = {
    changeVisibility: (handle, seconds) => sqs.tasks.changeVisibility(handle, seconds),
    // FIFO queues refuse per-message delays, so there an early task waits out its time hidden instead.
    defer: async (envelope, receiptHandle) => {
      if (!config.sqs.fifo) {
        await sqs.tasks.hop(envelope);
        return 'resent';
      }
      await sqs.tasks.changeVisibility(receiptHandle, visibilityWaitSeconds(envelope.runAt, Date.now()));
      return 'waiting';
    },
    deadLetter: (envelope, reason, attempt) => sqs.deadLetters.deadLetter(envelope, reason, attempt),
    deadLetterRaw: (body, reason) => sqs.deadLetters.deadLetterRaw(body, reason),
  };
  const consumerId =
    options.consumerId ?? `consumer-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const recordRun =
    (via: Backend) =>
    (task: TaskEnvelope, run: TaskRun): void => {
      const outcome = run.ok ? 'succeeded' : run.unrecoverable ? 'unrecoverable' : 'failed';
      metrics.add('TaskDuration', run.durationMs, { type: task.type, via, outcome });
    };
  const redisCall = <T>(operation: string, call: () => Promise<T>) =>
    guardedRedisCall(breaker, config.redis.timeoutMs, operation, call);

  return {
    config,
    logger,
    metrics,
    registry,
    breaker,
    redisQueue,
    sqs,
    producer,
    enqueue,
    deadLetters,
    wakeConsumer,

    /** The Redis drain, for a wake-up invocation. */
    drain: (remainingTimeMs: () => number, stopSignal?: AbortSignal) =>
      drainQueue({
        queue: redisQueue,
        registry,
        logger,
        consumerId,
        concurrency: config.queue.concurrency,
        batchSize: config.queue.claimBatchSize,
        leaseMs: config.queue.leaseMs,
        remainingTimeMs,
        journal: sqs.journal,
        onTaskRun: recordRun('redis'),
        ...(stopSignal !== undefined && { stopSignal }),
      }),

    /** An SQS event source batch. */
    processSqs: (records: readonly SQSRecord[], remainingTimeMs: () => number) =>
      processSqsBatch(records, {
        registry,
        logger,
        delivery,
        journal: sqs.journal,
        redis: redisQueue,
        breaker,
        redisTimeoutMs: config.redis.timeoutMs,
        leaseMs: config.queue.leaseMs,
        concurrency: config.queue.concurrency,
        remainingTimeMs,
        onTaskRun: recordRun('sqs'),
      }),

    reconcile: () =>
      reconcile({
        redis: redisQueue,
        sqs: { drainJournal: (max, apply) => sqs.journal.drain(max, apply), depths: () => sqs.depths() },
        wakeConsumer,
        logger,
        metrics,
        // Sized to the schedule: a pass that loses Redis before unlocking blocks the next ones only this long.
        lockTtlMs: Math.min(55_000, Math.max(1_000, config.local.reconcileEveryMs)),
      }),

    /** `GET /tasks/{id}`: null when unknown; throws QueueUnavailableError when Redis cannot answer. */
    status: (id: string): Promise<TaskStatus | null> => redisCall('status', () => redisQueue.status(id)),
    cancel: (id: string) => redisCall('cancel', () => redisQueue.cancel(id)),
    /** `GET /queues`: Redis depths behind the breaker and deadline; throws QueueUnavailableError when Redis cannot answer. */
    redisDepths: (): Promise<RedisDepths> => redisCall('depths', () => redisQueue.depths()),

    async health() {
      const started = performance.now();
      let redis: { ok: boolean; latencyMs: number; breaker: string; error?: string };
      try {
        await redisCall('ping', () => redisQueue.ping());
        redis = { ok: true, latencyMs: Math.round(performance.now() - started), breaker: breaker.state };
      } catch (error) {
        const message = errorMessage(error);
        redis = {
          ok: false,
          latencyMs: Math.round(performance.now() - started),
          breaker: breaker.state,
          error: message,
        };
      }
      return { redis, sqs: await sqs.health() };
    },
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
