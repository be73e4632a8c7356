import type * as z from 'zod/mini';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import type { Backend } from './task-envelope.js';
import { type ConcurrencyLimit, checkDeclaredLimits, type RateLimit } from './task-limits.js';

/** The structured logger a handler receives; every line already carries task id, trace id and path. */
export interface TaskLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface TaskContext {
  taskId: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  traceId: string;
  /** Which queue delivered this run. */
  via: Backend;
  logger: TaskLogger;
  /** Fires at the task's deadline or shortly before the Lambda runs out of time: pass it to fetch & co. */
  signal: AbortSignal;
}

/** Any zod 4 schema: `zod/mini` (the lean choice for a Lambda bundle) or classic `zod`. */
export type TaskSchema = z.core.$ZodType;

export interface TaskDefinition<Schema extends TaskSchema = TaskSchema> {
  type: string;
  schema: Schema;
  handler: (payload: z.output<Schema>, context: TaskContext) => Promise<unknown>;
  retry: RetryPolicy;
  timeoutMs: number;
  concurrency?: ConcurrencyLimit<z.output<Schema>>;
  rateLimit?: RateLimit<z.output<Schema>>;
}

export interface DefineTaskOptions<Schema extends TaskSchema> {
  type: string;
  schema: Schema;
  /** Resolves with the task's result (kept for `GET /tasks/{id}`); throws to retry, or {@link UnrecoverableTaskError} to stop. */
  handler: (payload: z.output<Schema>, context: TaskContext) => Promise<unknown>;
  retry?: Partial<RetryPolicy>;
  /** Deadline of one attempt; default 30 s. */
  timeoutMs?: number;
  /** At most `limit` running at once per key (the key function gets the parsed payload). */
  concurrency?: ConcurrencyLimit<z.output<Schema>>;
  /** At most `limit` starts in any `periodMs` per key. */
  rateLimit?: RateLimit<z.output<Schema>>;
}

export const DEFAULT_TASK_TIMEOUT_MS = 30_000;

/**
 * Declares a task type: its payload schema, its handler and how it retries.
 *
 * @example
 * export const sendWelcome = defineTask({
 *   type: 'send-welcome',
 *   schema: z.object({ userId: z.string() }), // import * as z from 'zod/mini'
 *   retry: { maxAttempts: 3 },
 *   handler: async ({ userId }, { signal }) => mailer.send(userId, { signal }),
 * });
 *
 * @throws TaskValidationError when a limit is impossible (not a whole number, out of range)
 */
export function defineTask<Schema extends TaskSchema>(
  options: DefineTaskOptions<Schema>,
): TaskDefinition<Schema> {
  const { concurrency, rateLimit } = options;
  checkDeclaredLimits(options.type, { concurrency, rateLimit });
  return {
    type: options.type,
    schema: options.schema,
    handler: options.handler,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    timeoutMs: options.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS,
    ...(concurrency && { concurrency }),
    ...(rateLimit && { rateLimit }),
  };
}
