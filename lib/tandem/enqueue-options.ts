import type { z } from 'zod';
import type { TaskDefinition } from '../tasks/define-task.js';

/** When a task should run: after a delay, or at a time; not both. */
export type WhenOptions =
  | { delaySeconds?: number; runAt?: never }
  | { runAt?: Date | string; delaySeconds?: never };

/**
 * How to enqueue one task; every field optional. The same fields as `POST /tasks`.
 *
 * @example
 * await tandem.enqueue(sendWelcome, { userId }, { idempotencyKey: `welcome:${userId}`, delaySeconds: 60 });
 */
export type EnqueueOptions = WhenOptions & {
  /** A caller-given id (a ULID is made otherwise); enqueueing the same id again is deduplicated. */
  id?: string;
  /** The same key within its window (default 24 h) returns the first task's id and runs once. */
  idempotencyKey?: string;
  /** 0 is most urgent (the default), up to 255. */
  priority?: number;
  maxAttempts?: number;
  timeoutSeconds?: number;
};

/** Any task definition, whatever its schema. */
// biome-ignore lint/suspicious/noExplicitAny: the schema's type is inferred per task by PayloadOf.
export type AnyTaskDefinition = TaskDefinition<any>;

/** What `enqueue(task, payload)` accepts as the payload of `task`: its schema's input type. */
export type PayloadOf<Task extends AnyTaskDefinition> = z.input<Task['schema']>;

/** The body of `POST /tasks` for a task, a payload and options. */
export function toNewTask(
  type: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Record<string, unknown> {
  const { runAt, ...rest } = options;
  return {
    type,
    payload,
    ...rest,
    ...(runAt !== undefined && { runAt: runAt instanceof Date ? runAt.toISOString() : runAt }),
  };
}
