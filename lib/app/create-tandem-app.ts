import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from '@upstash/redis';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import {
  createQueueAdapters,
  type QueueAdapters,
  type QueuePorts,
  QueueUnavailableError,
  toQueuePorts,
} from '../queue/index.js';
import { catchUpJournal, type JournalCatchUp } from '../reconcile/catch-up-journal.js';
import { reconcile } from '../reconcile/reconcile.js';
import { ContainerLimits } from '../runner/container-limits.js';
import { drainQueue } from '../runner/drain-queue.js';
import { processSqsBatch } from '../runner/process-sqs-batch.js';
import type { TaskDefinition } from '../tasks/define-task.js';
import { createHttpTask } from '../tasks/http/http-task.js';
import { TaskRegistry } from '../tasks/task-registry.js';
import type { AppTelemetry } from './app-telemetry.js';
import { boundedWake } from './bounded-wake.js';
import { containerTelemetry } from './container-telemetry.js';
import { DeadLetterService } from './dead-letter-service.js';
import { EnqueueService } from './enqueue-service.js';
import { createOpsParts } from './ops-use-cases.js';
import { readHealth, readQueueOverview } from './read-health.js';
import type { TandemApp } from './tandem-app.js';

export interface TandemAppOptions {
  config: Config;
  /** The deployment's own task types; the built-in `http` type is added. */
  tasks?: readonly TaskDefinition[];
  /** How to start a consumer now; default: a wake-up message on the task queue, whose event source runs consume. */
  wakeConsumer?: () => Promise<void>;
  logger?: Logger;
  metrics?: Metrics;
  /** Clients made elsewhere (the local stack); by default they are made from the config. */
  redis?: Redis;
  sqsClient?: SQSClient;
  /** Adapters made elsewhere (test set-up that inspects them); by default made from the config. */
  adapters?: QueueAdapters;
  /** Id of this container's consumer in the consumer slot. */
  consumerId?: string;
}

/**
 * The composition root: builds the adapters, wraps them into ports and the use cases over them, once per
 * container. What it returns is the {@link TandemApp} interface and nothing more.
 *
 * @example
 * const app = createTandemApp({ config: loadConfig(process.env), tasks });
 * await app.enqueue({ type: 'echo', payload: { message: 'hi' } });
 */
export function createTandemApp(options: TandemAppOptions): TandemApp {
  const parts = composeParts(options);
  const { config, logger, metrics, registry, ports, wakeConsumer, telemetry, recorder } = parts;
  const enqueue = new EnqueueService({
    registry,
    producer: ports.producer,
    wakeConsumer,
    onStored: telemetry.stored,
  });
  const deadLetters = new DeadLetterService({
    redis: ports.redis,
    deadLetters: ports.deadLetters,
    wakeConsumer,
    onReplayed: (ids) => recorder.replayed(ids, false),
  });
  const opsParts = createOpsParts({ ports, recorder, wakeConsumer, logger });
  return {
    config,
    logger,
    metrics,
    enqueue: (input, traceId) => enqueue.enqueue(input, traceId),
    enqueueBatch: (inputs, traceId) => enqueue.enqueueBatch(inputs, traceId),
    ...lookupUseCases(ports),
    health: () => readHealth(ports),
    queues: () => readQueueOverview(ports),
    deadLetters: {
      list: (limit) => deadLetters.list(limit),
      replay: (ids, limit) => deadLetters.replay(ids, limit),
    },
    ...consumeUseCases(parts),
    reconcile: () =>
      reconcile({
        redis: ports.redis,
        sqs: { drainJournal: journalDrain(ports), depths: ports.sqsDepths },
        wakeConsumer,
        logger,
        metrics,
        // Sized to the schedule: a pass that loses Redis before unlocking blocks the next ones only this long.
        lockTtlMs: Math.min(55_000, Math.max(1_000, config.local.reconcileEveryMs)),
      }).then(opsParts.afterReconcile),
    ops: opsParts.useCases,
  };
}

/** Telemetry, registry, adapters wrapped into ports, and the wake-up: what every use case shares. */
function composeParts(options: TandemAppOptions) {
  const { config } = options;
  const { logger, metrics, consumerId, recorder, telemetry } = containerTelemetry(options, () => ports);
  const registry = new TaskRegistry([createHttpTask(config.http), ...(options.tasks ?? [])]);
  const adapters =
    options.adapters ??
    createQueueAdapters(config, {
      ...(options.redis !== undefined && { redis: options.redis }),
      ...(options.sqsClient !== undefined && { sqsClient: options.sqsClient }),
      onBreakerTransition: telemetry.breakerTransition,
    });
  const ports: QueuePorts = toQueuePorts(adapters, {
    retryAfterSeconds: Math.max(1, Math.ceil(config.breaker.cooldownMs / 1000)),
    enqueueTimeoutMs: { redis: config.redis.timeoutMs, sqs: config.sqs.timeoutMs },
    onFailover: telemetry.failover,
    onWakeError: telemetry.wakeError,
  });
  const wakeConsumer = options.wakeConsumer
    ? boundedWake(options.wakeConsumer, { logger })
    : () => ports.sendWake(0);
  return { config, logger, metrics, telemetry, recorder, registry, ports, wakeConsumer, consumerId };
}

const journalDrain =
  (ports: QueuePorts): JournalCatchUp['drainJournal'] =>
  (max, apply, wait) =>
    ports.journal.drain(max, apply, wait);

/**
 * Status and cancel. A task accepted via SQS while Redis was away is known to Redis once the journal is
 * written back: an id Redis does not know triggers that catch-up first, so an acknowledged id is never unknown.
 */
function lookupUseCases(ports: QueuePorts): Pick<TandemApp, 'status' | 'cancel'> {
  const { redis } = ports;
  const catchUp = () =>
    catchUpJournal(
      { drainJournal: journalDrain(ports), applyJournal: (entries) => redis.applyJournal(entries) },
      { maxEntries: 100, waitSeconds: 0 },
    );
  return {
    status: async (id) => (await redis.status(id)) ?? ((await catchUp()) > 0 ? redis.status(id) : null),
    cancel: async (id) => {
      const outcome = await redis.cancel(id);
      return outcome === 'not_found' && (await catchUp()) > 0 ? redis.cancel(id) : outcome;
    },
  };
}

/**
 * A wake-up's drain, after the batch's own tasks are settled: its failure (Redis away) must not fail the
 * batch, whose records would then all come back. The wake-up is spent; the reconciler's pass arms the next.
 */
async function drainAfterWake(
  drain: (remainingTimeMs: () => number) => Promise<unknown>,
  remainingTimeMs: () => number,
  logger: Logger,
): Promise<void> {
  try {
    await drain(remainingTimeMs);
  } catch (error) {
    if (!(error instanceof QueueUnavailableError)) throw error;
    logger.warn('wake-up: Redis unavailable, nothing drained; the reconciler arms the next', { error });
  }
}

interface ConsumeParts {
  config: Config;
  registry: TaskRegistry;
  logger: Logger;
  telemetry: AppTelemetry;
  ports: QueuePorts;
  consumerId: string;
}

/** The two ways a task is run: a drain of Redis (a wake-up) and an SQS batch, each measured. */
function consumeUseCases({ config, registry, logger, telemetry, ports, consumerId }: ConsumeParts) {
  const { redis, journal } = ports;
  // Lives as long as the app (the container): the limits it keeps while Redis cannot be asked.
  const containerLimits = new ContainerLimits();
  return {
    async drain(remainingTimeMs: () => number, stopSignal?: AbortSignal) {
      const started = performance.now();
      const summary = await drainQueue({
        queue: redis,
        registry,
        logger,
        consumerId,
        concurrency: config.queue.concurrency,
        batchSize: config.queue.claimBatchSize,
        leaseMs: config.queue.leaseMs,
        remainingTimeMs,
        journal,
        onTaskRun: telemetry.taskRun('redis'),
        ...(stopSignal !== undefined && { stopSignal }),
      });
      telemetry.drain(summary, performance.now() - started);
      return summary;
    },
    /** An SQS batch: its tasks run, and its wake-ups (if any) drain Redis after them. */
    async consumeSqs(records: readonly unknown[], remainingTimeMs: () => number) {
      const started = performance.now();
      const result = await processSqsBatch(records, {
        registry,
        logger,
        delivery: ports.delivery,
        journal,
        redis,
        leaseMs: config.queue.leaseMs,
        concurrency: config.queue.concurrency,
        containerLimits,
        remainingTimeMs,
        onTaskRun: telemetry.taskRun('sqs'),
      });
      telemetry.sqsBatch(records.length, result, performance.now() - started);
      if (result.outcomes.wake > 0) await drainAfterWake(this.drain, remainingTimeMs, logger);
      return result;
    },
  };
}
