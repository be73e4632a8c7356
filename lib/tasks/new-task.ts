import * as z from 'zod/mini';
import { JsonPayloadSchema } from './json-payload.js';
import { IdempotencyKeySchema, MAX_PRIORITY, TaskIdSchema, TaskTypeSchema } from './task-envelope.js';
import { LimitKeySchema } from './task-limits.js';

const MAX_DELAY_SECONDS = 365 * 86_400;

const intBetween = (min: number, max: number) => z.optional(z.int().check(z.minimum(min), z.maximum(max)));

/**
 * What a caller asks for: the body of `POST /tasks` and the argument of `enqueue()`.
 * `delaySeconds` and `runAt` exclude each other.
 */
export const NewTaskSchema = z
  .strictObject({
    type: TaskTypeSchema,
    payload: z._default(JsonPayloadSchema, null),
    id: z.optional(TaskIdSchema),
    idempotencyKey: z.optional(IdempotencyKeySchema),
    delaySeconds: intBetween(0, MAX_DELAY_SECONDS),
    runAt: z.optional(z.iso.datetime({ offset: true })),
    priority: intBetween(0, MAX_PRIORITY),
    maxAttempts: intBetween(1, 100),
    timeoutSeconds: intBetween(1, 900),
    /** Counts the task against this key instead of the one its type's `concurrency.key` computes. */
    concurrencyKey: z.optional(LimitKeySchema),
    /** Counts the task against this key instead of the one its type's `rateLimit.key` computes. */
    rateLimitKey: z.optional(LimitKeySchema),
  })
  .check(
    z.refine((task) => task.delaySeconds === undefined || task.runAt === undefined, {
      message: 'give delaySeconds or runAt, not both',
      path: ['runAt'],
    }),
    z.refine(
      (task) => task.runAt === undefined || Date.parse(task.runAt) - Date.now() <= MAX_DELAY_SECONDS * 1000,
      {
        message: 'runAt is more than a year away',
        path: ['runAt'],
      },
    ),
  );

export type NewTask = z.input<typeof NewTaskSchema>;
export type ParsedNewTask = z.output<typeof NewTaskSchema>;
