import * as z from 'zod/mini';
import { defineTask, type TaskDefinition } from '../lib/tasks/index.js';

/**
 * An example task type: returns its message, which `GET /tasks/{id}` then shows as the result.
 *
 * @example
 * // POST /tasks  { "type": "echo", "payload": { "message": "hello" } }
 */
export const echoTask = defineTask({
  type: 'echo',
  schema: z.object({ message: z.string().check(z.maxLength(10_000)) }),
  retry: { maxAttempts: 3 },
  timeoutMs: 5_000,
  handler: async ({ message }, { logger }) => {
    logger.info('echo', { length: message.length });
    return { message };
  },
});

/**
 * The task types this deployment runs. The built-in `http` type is added by the runtime.
 *
 * Add your own here: declare each with `defineTask` (in this file or next to it in `functions/`) and list it
 * below. Schemas from `zod/mini` keep every function's bundle lean; classic `zod` works too, but adds about
 * 440 KB to each bundle and some 35 ms to each cold start (BENCHMARKS.md, cold start). Every function that
 * enqueues or runs tasks gets the same list, so the enqueuers validate exactly what the consumer can run.
 */
export const tasks: TaskDefinition[] = [echoTask];
