import type { Logger } from '../observability/logger.js';
import type { QueuePorts } from '../queue/index.js';
import type { ReconcileReport } from '../reconcile/reconcile.js';
import { type BulkReplayRequest, bulkReplay } from './bulk-replay.js';
import type { OpsRecorder } from './ops-recorder.js';
import type { OpsUseCases } from './tandem-app.js';

export interface OpsPartsOptions {
  ports: Pick<QueuePorts, 'ops' | 'redis' | 'deadLetters'>;
  recorder: OpsRecorder;
  wakeConsumer: () => Promise<void>;
  logger: Logger;
}

/**
 * The operator's use cases ({@link OpsUseCases}) over the ops store and the recorder, and what the
 * reconciler adds after each pass: the events it caused, a depth sample, and a sweep of expired entries.
 */
export function createOpsParts({ ports, recorder, wakeConsumer, logger }: OpsPartsOptions) {
  const { ops } = ports;
  const useCases: OpsUseCases = {
    listTasks: (query) => ops.listTasks(query),
    findByIdempotencyKey: (key) => ops.findByIdempotencyKey(key),
    stateCounts: () => ops.countStates(),
    async events(from, limit) {
      // This container's own records first, so that what it just saw is on the page it serves.
      await recorder.flush();
      return ops.readEvents(from, limit);
    },
    samples: (since, limit) => ops.readSamples(since, limit),
    redisUnreachableSince: () => recorder.unreachableSince,
    async replayDead(request: BulkReplayRequest) {
      const result = await bulkReplay({ ...ports, wakeConsumer }, request);
      if (result.replayed.length > 0) recorder.replayed(result.replayed, true);
      return result;
    },
    flush: () => recorder.flush(),
  };

  /** Records what a reconciler pass did and a depth sample, sweeps, and writes it all; returns the report. */
  async function afterReconcile(report: ReconcileReport): Promise<ReconcileReport> {
    if (report.journalApplied > 0)
      recorder.record({ kind: 'journal-replayed', entries: report.journalApplied });
    const { requeued, dead } = report.reaped;
    if (requeued + dead > 0) recorder.record({ kind: 'reaped', requeued, dead });
    recorder.sample({
      at: Date.now(),
      redis: report.redisDepths ? { ...report.redisDepths } : null,
      sqs: report.sqsDepths ? { ...report.sqsDepths } : null,
    });
    if (report.redis.ok) {
      await ops.sweep().catch((error: unknown) => logger.warn('ops sweep failed', { error }));
    }
    await recorder.flush();
    return report;
  }

  return { useCases, afterReconcile };
}
