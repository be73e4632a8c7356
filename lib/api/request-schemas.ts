import * as z from 'zod/mini';
import { MAX_BATCH_SIZE } from '../app/enqueue-service.js';
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
