import * as z from 'zod/mini';
import { RejectionCodes } from './rejection-codes.js';

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
export const ScheduleInputSchema = z.strictObject({
  schedule: z
    .string()
    .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits, _ . : - (at most 64)')),
  time: z.optional(z.iso.datetime({ offset: true })),
  task: z.record(z.string(), z.unknown()),
});

/** What a schedule's input transformer must render. */
export type ScheduleInput = z.input<typeof ScheduleInputSchema>;

/** The task a schedule's input asks for at its scheduled time, or why there is none. */
export type ScheduleCandidate =
  | {
      kind: 'task';
      schedule: string;
      scheduledAt: string;
      /** True when the input had no `time` and the current minute stood in (a manual invoke). */
      timeFromClock: boolean;
      task: Record<string, unknown>;
      idempotencyKey: string;
    }
  | { kind: 'rejected'; code: typeof RejectionCodes.invalidScheduleInput; message: string; issues: unknown };

/**
 * The cron trigger's boundary: validates the input and derives the key `schedule:<name>:<time>`. The key
 * replaces any the task carries, so a schedule that fires twice, or an invocation Lambda retries,
 * enqueues one task. Without `time` the minute of `now` stands in.
 *
 * @example
 * processSchedule({ schedule: 'nightly', time: '2030-01-01T03:00:00Z', task }, Date.now());
 * // { kind: 'task', idempotencyKey: 'schedule:nightly:2030-01-01T03:00:00.000Z', … }
 */
export function processSchedule(event: unknown, now: number): ScheduleCandidate {
  const input = ScheduleInputSchema.safeParse(event);
  if (!input.success) {
    return {
      kind: 'rejected',
      code: RejectionCodes.invalidScheduleInput,
      message: 'expected { schedule, time?, task }',
      issues: input.error.issues,
    };
  }
  const { schedule, time, task } = input.data;
  const scheduledAt = new Date(time === undefined ? startOfMinute(now) : Date.parse(time)).toISOString();
  const idempotencyKey = `schedule:${schedule}:${scheduledAt}`;
  return {
    kind: 'task',
    schedule,
    scheduledAt,
    timeFromClock: time === undefined,
    task: { ...task, idempotencyKey },
    idempotencyKey,
  };
}

function startOfMinute(ms: number): number {
  return ms - (ms % 60_000);
}
