import { z } from 'zod';
import type { InvocationContext } from '../lib/observability/index.js';
import type { EnqueueReceipt } from '../lib/queue/index.js';
import type { Runtime } from '../lib/runtime/index.js';
import { TaskValidationError } from '../lib/tasks/index.js';
import { containerRuntime } from './container.js';

/**
 * What a schedule delivers. In serverless.yml each `schedule` event of the `schedule` function has an
 * input transformer whose template renders this object, taking `time` from the scheduled event:
 *
 *   inputPathsMap: { time: '$.time' }
 *   inputTemplate: '{"schedule":"hourly-echo","time":"<time>","task":{"type":"echo","payload":{"message":"tick"}}}'
 *
 * `task` is a NewTask (the body of `POST /tasks`), validated like one. `time` is the time EventBridge
 * scheduled this run: it is the same for a double-fired schedule and for Lambda's retries of one event.
 */
export const ScheduleInputSchema = z
  .object({
    schedule: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits, _ . : - (at most 64)'),
    time: z.iso.datetime({ offset: true }).optional(),
    task: z.record(z.string(), z.unknown()),
  })
  .strict();

/** What a schedule's input transformer must render. */
export type ScheduleInput = z.input<typeof ScheduleInputSchema>;

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

/** Takes what the schedule delivers (see {@link ScheduleInputSchema}); the context only labels log lines. */
export type ScheduleHandler = (event: unknown, context?: InvocationContext) => Promise<ScheduleResult>;

/**
 * The cron trigger over `runtime`: enqueues the schedule's task once per scheduled time. The idempotency
 * key is `schedule:<name>:<time>` (any key in the task is replaced), so a schedule that fires twice, or an
 * invocation Lambda retries, enqueues one task. Without `time` (a manual invoke) the current minute stands in.
 *
 * Bad input is logged and returned, not thrown: retrying cannot fix it. When no queue accepts the task the
 * handler throws, and Lambda's retries of the same event enqueue it at most once.
 *
 * @example
 * await createScheduleHandler(runtime)({ schedule: 'nightly', time: '2030-01-01T03:00:00Z', task });
 */
export function createScheduleHandler(runtime: Runtime, clock: () => number = Date.now): ScheduleHandler {
  const { logger, metrics } = runtime;
  const reject = (
    result: Extract<ScheduleResult, { enqueued: false }>,
  ): Extract<ScheduleResult, { enqueued: false }> => {
    logger.error('scheduled task rejected; fix the schedule input', { ...result });
    metrics.add('TriggerRejected', 1, { trigger: 'schedule' });
    return result;
  };

  return async (event, context) => {
    if (context) logger.addContext?.(context);
    try {
      const input = ScheduleInputSchema.safeParse(event);
      if (!input.success) {
        return reject({
          enqueued: false,
          error: {
            code: 'invalid_schedule_input',
            message: 'expected { schedule, time?, task }',
            issues: input.error.issues,
          },
        });
      }
      const { schedule, time, task } = input.data;
      if (time === undefined)
        logger.warn('schedule input has no time; using the current minute', { schedule });
      const scheduledAt = new Date(
        time === undefined ? startOfMinute(clock()) : Date.parse(time),
      ).toISOString();
      const idempotencyKey = `schedule:${schedule}:${scheduledAt}`;
      try {
        const receipt = await runtime.enqueue.enqueue({ ...task, idempotencyKey });
        metrics.add('TriggerEnqueued', 1, { trigger: 'schedule' });
        logger.info('scheduled task enqueued', { schedule, scheduledAt, ...receipt });
        return { enqueued: true, schedule, scheduledAt, idempotencyKey, receipt };
      } catch (error) {
        if (!(error instanceof TaskValidationError)) throw error;
        return reject({
          enqueued: false,
          schedule,
          error: { code: 'invalid_task', message: error.message, issues: error.issues },
        });
      }
    } finally {
      metrics.flush();
    }
  };
}

let schedule: ScheduleHandler | undefined;

/** The Lambda entry point; builds the container's runtime on the first invocation. */
export const handler: ScheduleHandler = (event, context) => {
  schedule ??= createScheduleHandler(containerRuntime());
  return schedule(event, context);
};

function startOfMinute(ms: number): number {
  return ms - (ms % 60_000);
}
