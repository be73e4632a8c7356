import { z } from 'zod';
import { IdempotencyKeySchema, TaskIdSchema, TaskStates, TaskTypeSchema } from '../tasks/task-envelope.js';
import { decodeTaskCursor } from './task-cursor.js';

export const MAX_TASK_PAGE = 100;
export const MAX_EVENT_PAGE = 1_000;
export const MAX_SAMPLES = 2_000;
export const MAX_REPLAY = 10_000;
const HOUR_MS = 3_600_000;

/** A time in a query: ISO 8601 with an offset, or epoch milliseconds. */
const TimeSchema = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);

/** `GET /tasks?state=&type=&limit=&cursor=&idempotencyKey=&q=`. */
export const TaskListQuerySchema = z
  .object({
    state: z.enum(TaskStates).optional(),
    type: TaskTypeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_TASK_PAGE).default(50),
    cursor: z
      .string()
      .transform((cursor, context) => {
        const position = decodeTaskCursor(cursor);
        if (position === null)
          context.addIssue({ code: 'custom', message: 'not a cursor this API gave out' });
        return position ?? { createdAt: 0, id: '' };
      })
      .optional(),
    /** The task stored under this idempotency key (at most one). */
    idempotencyKey: IdempotencyKeySchema.optional(),
    /** Text the task's payload contains (its stored JSON, so `"to":"ada@` matches too). */
    q: z.string().min(1).max(200).optional(),
  })
  .strict();
export type TaskListQueryInput = z.output<typeof TaskListQuerySchema>;

/** `GET /events?since=&cursor=&limit=`: since a time (default: an hour ago), or after a cursor. */
export const EventsQuerySchema = z
  .object({
    since: TimeSchema.optional(),
    cursor: z
      .string()
      .regex(/^\d{1,16}-\d{1,20}$/, 'a cursor this API gave out')
      .optional(),
    limit: z.coerce.number().int().min(1).max(MAX_EVENT_PAGE).default(200),
  })
  .strict()
  .refine(
    (query) => query.since === undefined || query.cursor === undefined,
    'give since or cursor, not both',
  );

/** `GET /queues/history?since=&limit=`: depth samples since a time (default: an hour ago). */
export const HistoryQuerySchema = z
  .object({
    since: TimeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_SAMPLES).default(1_000),
  })
  .strict();

/** An hour before `now`: what the timeline and the history show by default. */
export const lastHour = (now: number) => now - HOUR_MS;

/** `POST /dead/replay?dryRun=`. */
export const ReplayQuerySchema = z
  .object({ dryRun: z.enum(['true', 'false', '1', '0']).optional() })
  .strict()
  .transform(({ dryRun }) => ({ dryRun: dryRun === 'true' || dryRun === '1' }));

/**
 * `POST /dead/replay`: the given ids, or dead tasks by type, error text and time of death; the oldest
 * `limit` (default: as many ids as given, else 100) at `perSecond` (default 10) starts per second.
 */
export const BulkReplayBodySchema = z
  .object({
    ids: z.array(TaskIdSchema).min(1).max(MAX_REPLAY).optional(),
    type: TaskTypeSchema.optional(),
    error: z.string().min(1).max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.number().int().min(1).max(MAX_REPLAY).optional(),
    perSecond: z.number().int().min(1).max(1_000).optional(),
  })
  .strict()
  .refine((body) => !body.from || !body.to || Date.parse(body.from) <= Date.parse(body.to), {
    message: 'from must not be after to',
    path: ['from'],
  });
export type BulkReplayBody = z.output<typeof BulkReplayBodySchema>;
