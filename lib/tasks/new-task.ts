import { z } from 'zod';
import { JsonPayloadSchema } from './json-payload.js';
import { IdempotencyKeySchema, MAX_PRIORITY, TaskIdSchema, TaskTypeSchema } from './task-envelope.js';

const MAX_DELAY_SECONDS = 365 * 86_400;

/**
 * What a caller asks for: the body of `POST /tasks` and the argument of `enqueue()`.
 * `delaySeconds` and `runAt` exclude each other.
 */
export const NewTaskSchema = z
  .object({
    type: TaskTypeSchema,
    payload: JsonPayloadSchema.default(null),
    id: TaskIdSchema.optional(),
    idempotencyKey: IdempotencyKeySchema.optional(),
    delaySeconds: z.number().int().min(0).max(MAX_DELAY_SECONDS).optional(),
    runAt: z.iso.datetime({ offset: true }).optional(),
    priority: z.number().int().min(0).max(MAX_PRIORITY).optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    timeoutSeconds: z.number().int().min(1).max(900).optional(),
  })
  .strict()
  .refine((task) => task.delaySeconds === undefined || task.runAt === undefined, {
    message: 'give delaySeconds or runAt, not both',
    path: ['runAt'],
  })
  .refine(
    (task) => task.runAt === undefined || Date.parse(task.runAt) - Date.now() <= MAX_DELAY_SECONDS * 1000,
    {
      message: 'runAt is more than a year away',
      path: ['runAt'],
    },
  );

export type NewTask = z.input<typeof NewTaskSchema>;
export type ParsedNewTask = z.output<typeof NewTaskSchema>;
