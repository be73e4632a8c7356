import type { Config } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import { type QueuePorts, QueueUnavailableError } from '../queue/index.js';
import { ContainerLimits } from '../runner/container-limits.js';
import { drainQueue } from '../runner/drain-queue.js';
import { processSqsBatch } from '../runner/process-sqs-batch.js';
import type { TaskRegistry } from '../tasks/task-registry.js';
import type { AppTelemetry } from './app-telemetry.js';

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
export function consumeUseCases({ config, registry, logger, telemetry, ports, consumerId }: ConsumeParts) {
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
