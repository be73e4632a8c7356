import type { InvocationContext } from '../observability/logger.js';
import { candidatesOf } from './candidates-of.js';
import type { EventsReport } from './events-report.js';
import { RejectionCodes } from './rejection-codes.js';
import type { TriggerCandidate } from './trigger-candidate.js';
import type { TriggerDeps } from './trigger-deps.js';
import { tryEnqueue } from './try-enqueue.js';

/** Takes an EventBridge event, a transformed `{ eventId, task }`, or an SNS or S3 event. */
export type EventsHandler = (event: unknown, context?: InvocationContext) => Promise<EventsReport>;

/**
 * Event-driven enqueue: EventBridge, SNS and S3 events become tasks (see `EventSource` for the mappings).
 * Each event or record goes through its source's processor on its own: one that cannot become a task is
 * logged, counted (`TriggerRejected`) and listed in `rejected`, nothing of it is stored, and its siblings
 * still enqueue. Bad input never throws, since a retry cannot fix it. The handler throws only when no
 * queue accepts a task: Lambda then retries the event, and the tasks already enqueued from it are
 * deduplicated by their keys.
 *
 * @example
 * const report = await createEventsHandler(deps)(snsEvent);
 */
export function createEventsHandler(deps: TriggerDeps): EventsHandler {
  const { logger, metrics, mapping } = deps;
  const reject = (report: EventsReport, item: EventsReport['rejected'][number]) => {
    report.rejected.push(item);
    logger.warn('event rejected; nothing enqueued', { ...item });
    metrics.add('TriggerRejected', 1, { trigger: item.source });
  };

  const settle = async (candidate: TriggerCandidate, report: EventsReport) => {
    if (candidate.kind === 'ignored') {
      const { kind: _kind, ...item } = candidate;
      report.ignored.push(item);
      return;
    }
    if (candidate.kind === 'rejected') {
      const { kind: _kind, ...item } = candidate;
      reject(report, item);
      return;
    }
    const { source, eventId, task, idempotencyKey } = candidate;
    const attempt = await tryEnqueue(deps, {
      ...task,
      idempotencyKey: task.idempotencyKey ?? idempotencyKey,
    });
    if (!attempt.ok) {
      const { message, issues } = attempt;
      reject(report, { source, eventId, code: RejectionCodes.invalidTask, message, issues });
      return;
    }
    report.enqueued.push({ source, eventId, ...attempt.receipt });
    metrics.add('TriggerEnqueued', 1, { trigger: source });
    logger.info('event enqueued', { source, eventId, ...attempt.receipt });
  };

  return async (event) => {
    const report: EventsReport = { enqueued: [], rejected: [], ignored: [] };
    try {
      // One at a time, in order: when a queue refuses, the rest of the event waits for Lambda's retry.
      for (const candidate of candidatesOf(event, mapping)) await settle(candidate, report);
      return report;
    } finally {
      metrics.flush();
    }
  };
}
