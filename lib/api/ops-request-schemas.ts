import * as z from 'zod/mini';
import { IdempotencyKeySchema, TaskIdSchema, TaskStates, TaskTypeSchema } from '../tasks/task-envelope.js';
import { decodeTaskCursor } from './task-cursor.js';

export const MAX_TASK_PAGE = 100;
export const MAX_EVENT_PAGE = 1_000;
export const MAX_SAMPLES = 2_000;
export const MAX_REPLAY = 10_000;
const HOUR_MS = 3_600_000;

const intQuery = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);
const intBody = (min: number, max: number) => z.optional(z.int().check(z.minimum(min), z.maximum(max)));
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** A time in a query: ISO 8601 with an offset, or epoch milliseconds. */
const TimeSchema = z.union([
  z.pipe(z.string().check(z.regex(/^\d{1,15}$/)), z.transform(Number)),
  z.pipe(
    z.iso.datetime({ offset: true }),
    z.transform((iso: string) => Date.parse(iso)),
  ),
]);

/** A listing cursor this API gave out, decoded. */
const TaskCursorSchema = z.pipe(
  z.string(),
  z.transform((cursor: string, context) => {
    const position = decodeTaskCursor(cursor);
    if (position === null) {
      context.issues.push({ code: 'custom', message: 'not a cursor this API gave out', input: cursor });
    }
    return position ?? { createdAt: 0, id: '' };
  }),
);

/** `GET /tasks?state=&type=&limit=&cursor=&idempotencyKey=&q=`. */
export const TaskListQuerySchema = z.strictObject({
  state: z.optional(z.enum(TaskStates)),
  type: z.optional(TaskTypeSchema),
  limit: intQuery(1, MAX_TASK_PAGE, 50),
  cursor: z.optional(TaskCursorSchema),
  /** The task stored under this idempotency key (at most one). */
  idempotencyKey: z.optional(IdempotencyKeySchema),
  /** Text the task's payload contains (its stored JSON, so `"to":"ada@` matches too). */
  q: z.optional(text(200)),
});
export type TaskListQueryInput = z.output<typeof TaskListQuerySchema>;

/** `GET /events?since=&cursor=&limit=`: since a time (default: an hour ago), or after a cursor. */
export const EventsQuerySchema = z
  .strictObject({
    since: z.optional(TimeSchema),
    cursor: z.optional(z.string().check(z.regex(/^\d{1,16}-\d{1,20}$/, 'a cursor this API gave out'))),
    limit: intQuery(1, MAX_EVENT_PAGE, 200),
  })
  .check(
    z.refine(
      (query) => query.since === undefined || query.cursor === undefined,
      'give since or cursor, not both',
    ),
  );

/** `GET /queues/history?since=&limit=`: depth samples since a time (default: an hour ago). */
export const HistoryQuerySchema = z.strictObject({
  since: z.optional(TimeSchema),
  limit: intQuery(1, MAX_SAMPLES, 1_000),
});

/** An hour before `now`: what the timeline and the history show by default. */
export const lastHour = (now: number) => now - HOUR_MS;

/** `POST /dead/replay?dryRun=`. */
export const ReplayQuerySchema = z.pipe(
  z.strictObject({ dryRun: z.optional(z.enum(['true', 'false', '1', '0'])) }),
  z.transform(({ dryRun }: { dryRun?: 'true' | 'false' | '1' | '0' | undefined }) => ({
    dryRun: dryRun === 'true' || dryRun === '1',
  })),
);

/**
 * `POST /dead/replay`: the given ids, or dead tasks by type, error text and time of death; the oldest
 * `limit` (default: as many ids as given, else 100) at `perSecond` (default 10) starts per second.
 */
export const BulkReplayBodySchema = z
  .strictObject({
    ids: z.optional(z.array(TaskIdSchema).check(z.minLength(1), z.maxLength(MAX_REPLAY))),
    type: z.optional(TaskTypeSchema),
    error: z.optional(text(200)),
    from: z.optional(z.iso.datetime({ offset: true })),
    to: z.optional(z.iso.datetime({ offset: true })),
    limit: intBody(1, MAX_REPLAY),
    perSecond: intBody(1, 1_000),
  })
  .check(
    z.refine((body) => !body.from || !body.to || Date.parse(body.from) <= Date.parse(body.to), {
      message: 'from must not be after to',
      path: ['from'],
    }),
  );
export type BulkReplayBody = z.output<typeof BulkReplayBodySchema>;
