import type * as z from 'zod/mini';
import type { TaskDefinition } from '../tasks/define-task.js';

/** A task type: its definition (which types the payload) or its name (payload `unknown`). */
export type TaskRef = TaskDefinition | string;

/**
 * The payload a task type accepts: the input of its definition's schema (before defaults and
 * transforms, which the API applies), or `unknown` for a type given by name.
 *
 * @example
 * type WelcomePayload = PayloadOf<typeof sendWelcome>; // { userId: string }
 */
export type PayloadOf<Task> = Task extends TaskDefinition<infer Schema> ? z.input<Schema> : unknown;

interface CommonEnqueueOptions {
  /** The task's id; a retry with the same id never stores (or runs) it twice. Default: the API makes one. */
  id?: string;
  /** Deduplicates within `IDEMPOTENCY_TTL_SECONDS`: a second enqueue answers the first task's receipt. */
  idempotencyKey?: string;
  /** 0 is the most urgent, 255 the least. */
  priority?: number;
  /** Overrides the task type's retry policy. */
  maxAttempts?: number;
  /** Deadline of one attempt, in seconds (≤ 900). */
  timeoutSeconds?: number;
  /** Counts the task against this key instead of the one its type's `concurrency.key` computes. */
  concurrencyKey?: string;
  /** Counts the task against this key instead of the one its type's `rateLimit.key` computes. */
  rateLimitKey?: string;
}

/**
 * Options of one enqueue. `delaySeconds` and `runAt` exclude each other; `runAt` is a Date or an ISO
 * 8601 string with an offset.
 *
 * @example
 * await tandem.enqueue(sendWelcome, { userId }, { idempotencyKey: `welcome:${userId}`, delaySeconds: 60 });
 */
export type EnqueueOptions = CommonEnqueueOptions &
  ({ delaySeconds?: number; runAt?: never } | { runAt?: Date | string; delaySeconds?: never });

/** One item of `enqueueBatch`. */
export interface EnqueueBatchItem<Task extends TaskRef = TaskRef> {
  task: Task;
  payload: PayloadOf<Task>;
  options?: EnqueueOptions;
}

/**
 * The `POST /tasks` body for a task. Options are copied by name, so none can replace `type` or
 * `payload`, and a Date `runAt` goes out as ISO 8601.
 *
 * @throws RangeError for a `runAt` that is an invalid Date
 */
export function toTaskBody(task: TaskRef, payload: unknown, options: EnqueueOptions = {}) {
  const { id, idempotencyKey, delaySeconds, runAt, priority, maxAttempts, timeoutSeconds } = options;
  const { concurrencyKey, rateLimitKey } = options;
  return {
    type: typeof task === 'string' ? task : task.type,
    payload,
    id,
    idempotencyKey,
    delaySeconds,
    runAt: runAt instanceof Date ? isoOf(runAt) : runAt,
    priority,
    maxAttempts,
    timeoutSeconds,
    concurrencyKey,
    rateLimitKey,
  };
}

function isoOf(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('runAt is an invalid Date');
  return date.toISOString();
}
