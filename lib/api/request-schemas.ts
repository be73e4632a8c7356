import * as z from 'zod/mini';
import { MAX_BATCH_SIZE } from '../app/enqueue-service.js';
import { TaskIdSchema } from '../tasks/task-envelope.js';
import { InvalidRequestError } from './errors.js';

export const MAX_DEAD_LIMIT = 500;

/** `POST /tasks/batch`: each task is validated on its own later, so one bad task does not sink the batch. */
export const BatchRequestSchema = z.strictObject({
  tasks: z.array(z.unknown()).check(z.maxLength(MAX_BATCH_SIZE, `at most ${MAX_BATCH_SIZE} tasks per batch`)),
});
export type BatchRequest = z.output<typeof BatchRequestSchema>;

/** `GET /dead?limit=`. */
export const DeadListQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_DEAD_LIMIT)), 50),
});
export type DeadListQuery = z.output<typeof DeadListQuerySchema>;

/** `POST /dead/replay`: the given ids, or else the oldest `limit` (default 100); the body may be empty. */
export const ReplayRequestSchema = z.strictObject({
  ids: z.optional(z.array(TaskIdSchema).check(z.minLength(1), z.maxLength(MAX_DEAD_LIMIT))),
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_DEAD_LIMIT))),
});
export type ReplayRequest = z.output<typeof ReplayRequestSchema>;

/** Parses `input` or throws {@link InvalidRequestError} (422) with the zod issues. */
export function parseRequest<Schema extends z.ZodMiniType>(
  schema: Schema,
  input: unknown,
  message: string,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidRequestError(message, parsed.error.issues);
  return parsed.data;
}
