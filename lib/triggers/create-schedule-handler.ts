import type { InvocationContext } from '../observability/logger.js';
import type { EnqueueReceipt } from '../queue/index.js';
import { RejectionCodes } from './rejection-codes.js';
import { processSchedule } from './schedule-processor.js';
import type { TriggerDeps } from './trigger-deps.js';
import { tryEnqueue } from './try-enqueue.js';

/** The enqueue receipt, or why nothing was enqueued. */
export type ScheduleResult =
  | {
      enqueued: true;
      schedule: string;
      scheduledAt: string;
      idempotencyKey: string;
      receipt: EnqueueReceipt;
    }
  | {
      enqueued: false;
      schedule?: string;
      error: { code: 'invalid_schedule_input' | 'invalid_task'; message: string; issues?: unknown };
    };

/** Takes what the schedule delivers (see `ScheduleInputSchema`). */
export type ScheduleHandler = (event: unknown, context?: InvocationContext) => Promise<ScheduleResult>;

type Rejected = Extract<ScheduleResult, { enqueued: false }>;

/**
 * The cron trigger: enqueues the schedule's task once per scheduled time, under the key
 * `schedule:<name>:<time>` (see `processSchedule`). Without `time` (a manual invoke) the current minute
 * of `deps.clock` stands in.
 *
 * Bad input is logged, counted (`TriggerRejected`) and returned, not thrown: retrying cannot fix it. When
 * no queue accepts the task the handler throws, and Lambda's retries of the same event enqueue it at most
 * once.
 *
 * @example
 * await createScheduleHandler(deps)({ schedule: 'nightly', time: '2030-01-01T03:00:00Z', task });
 */
export function createScheduleHandler(deps: TriggerDeps): ScheduleHandler {
  const { logger, metrics, clock = Date.now } = deps;
  const reject = (result: Rejected): Rejected => {
    logger.error('scheduled task rejected; fix the schedule input', { ...result });
    metrics.add('TriggerRejected', 1, { trigger: 'schedule' });
    return result;
  };

  return async (event) => {
    try {
      const candidate = processSchedule(event, clock());
      if (candidate.kind === 'rejected') {
        const { kind: _kind, ...error } = candidate;
        return reject({ enqueued: false, error });
      }
      const { schedule, scheduledAt, idempotencyKey, task } = candidate;
      if (candidate.timeFromClock) {
        logger.warn('schedule input has no time; using the current minute', { schedule });
      }
      const attempt = await tryEnqueue(deps, task);
      if (!attempt.ok) {
        const { message, issues } = attempt;
        return reject({
          enqueued: false,
          schedule,
          error: { code: RejectionCodes.invalidTask, message, issues },
        });
      }
      metrics.add('TriggerEnqueued', 1, { trigger: 'schedule' });
      logger.info('scheduled task enqueued', { schedule, scheduledAt, ...attempt.receipt });
      return { enqueued: true, schedule, scheduledAt, idempotencyKey, receipt: attempt.receipt };
    } finally {
      metrics.flush();
    }
  };
}
