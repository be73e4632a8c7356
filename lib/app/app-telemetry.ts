import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { BreakerState, EnqueueReceipt, FailoverEvent } from '../queue/index.js';
import type { DrainSummary } from '../runner/drain-queue.js';
import type { TaskRun } from '../runner/execute-task.js';
import type { SqsBatchResult } from '../runner/process-sqs-batch.js';
import type { Backend, TaskEnvelope } from '../tasks/task-envelope.js';

/**
 * What the use cases report, in one place: each hook logs and counts one kind of event. The metric
 * names, units and dimensions are those of the README's "Observability" section.
 */
export function appTelemetry(logger: Logger, metrics: Metrics) {
  return {
    breakerTransition(from: BreakerState, to: BreakerState): void {
      logger.warn('redis circuit breaker', { from, to });
      metrics.add('BreakerTransition', 1, { to });
    },
    failover(event: FailoverEvent): void {
      logger.warn(`enqueue ${event.kind}`, { ...event });
      if (event.kind === 'failover') metrics.add('Failover', event.tasks);
      if (event.kind === 'unavailable') metrics.add('EnqueueUnavailable', event.tasks);
    },
    wakeError(error: unknown, delaySeconds: number): void {
      logger.warn('could not send a wake-up; the reconciler arms it again', { error, delaySeconds });
    },
    stored(receipts: readonly EnqueueReceipt[]): void {
      for (const via of ['redis', 'sqs'] as const) {
        const stored = receipts.filter((receipt) => receipt.via === via && !receipt.duplicate).length;
        if (stored > 0) metrics.add('Enqueued', stored, { via });
      }
      const duplicates = receipts.filter((receipt) => receipt.duplicate).length;
      if (duplicates > 0) metrics.add('DuplicatesSuppressed', duplicates, { at: 'enqueue' });
    },
    taskRun: (via: Backend) => (task: TaskEnvelope, run: TaskRun) => {
      const outcome = run.ok ? 'succeeded' : run.unrecoverable ? 'unrecoverable' : 'failed';
      metrics.add('TaskDuration', run.durationMs, { type: task.type, via, outcome });
    },
    sqsBatch(records: number, result: SqsBatchResult, durationMs: number): void {
      for (const [outcome, count] of Object.entries(result.outcomes)) {
        if (count > 0) metrics.add('TaskOutcome', count, { via: 'sqs', outcome });
      }
      // Always published, zero included, so that alarms on them have data points.
      metrics.add('DuplicatesSuppressed', result.outcomes.duplicate, { at: 'consume' });
      metrics.add('UnverifiedRuns', result.unverifiedRuns, { via: 'sqs' });
      if (result.throttled > 0) metrics.add('Throttled', result.throttled, { via: 'sqs' });
      // Runs only this container's limits held (Redis unreachable): on the timeline too (ops-telemetry.ts).
      if (result.limitsUnenforced > 0) metrics.add('LimitsUnenforced', result.limitsUnenforced);
      metrics.add('BatchItemFailures', result.batchItemFailures.length, { via: 'sqs' });
      metrics.add('ConsumeDuration', Math.round(durationMs), { via: 'sqs' });
      logger.info('sqs batch processed', {
        records,
        outcomes: result.outcomes,
        unverifiedRuns: result.unverifiedRuns,
        throttled: result.throttled,
        limitsUnenforced: result.limitsUnenforced,
        failures: result.batchItemFailures.length,
      });
    },
    drain(summary: DrainSummary, durationMs: number): void {
      const { succeeded, failed, dead, released, lost, journaled } = summary;
      for (const [outcome, count] of Object.entries({ succeeded, failed, dead, released, lost, journaled })) {
        if (count > 0) metrics.add('TaskOutcome', count, { via: 'redis', outcome });
      }
      metrics.add('TasksClaimed', summary.claimed, { via: 'redis' });
      if (summary.throttled > 0) metrics.add('Throttled', summary.throttled, { via: 'redis' });
      metrics.add('ConsumeDuration', Math.round(durationMs), { via: 'redis' });
    },
  };
}

export type AppTelemetry = ReturnType<typeof appTelemetry>;
