import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from '@upstash/redis';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createQueueAdapters, type QueueAdapters, type QueuePorts, toQueuePorts } from '../queue/index.js';
import type { JournalCatchUp } from '../reconcile/catch-up-journal.js';
import type { TaskDefinition } from '../tasks/define-task.js';
import { createHttpTask } from '../tasks/http/http-task.js';
import { TaskRegistry } from '../tasks/task-registry.js';
import { boundedWake } from './bounded-wake.js';
import { containerTelemetry } from './container-telemetry.js';

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

/** What every use case shares: telemetry, the adapters wrapped into ports, and the wake-up. */
export type AppParts = ReturnType<typeof composeAppParts>;

/** Builds the parts every use case shares, once per container. */
export function composeAppParts(options: TandemAppOptions) {
  const { config } = options;
  const { logger, metrics, consumerId, recorder, telemetry } = containerTelemetry(options, () => ports);
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
  return { config, logger, metrics, telemetry, recorder, ports, wakeConsumer, consumerId };
}

/**
 * The task types the app validates and runs: the built-in `http` and the deployment's own. Only the
 * functions that enqueue or run tasks build it (the reconciler never reads a payload).
 */
export function registryOf(options: TandemAppOptions): TaskRegistry {
  return new TaskRegistry([createHttpTask(options.config.http), ...(options.tasks ?? [])]);
}

/** The journal's drain as the catch-up and the reconciler call it. */
export const journalDrain =
  (ports: QueuePorts): JournalCatchUp['drainJournal'] =>
  (max, apply, wait) =>
    ports.journal.drain(max, apply, wait);
