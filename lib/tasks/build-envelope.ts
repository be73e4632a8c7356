import { monotonicFactory } from 'ulid';
import { safeParse } from 'zod/mini';
import { TaskValidationError } from './errors.js';
import { NewTaskSchema } from './new-task.js';
import type { TaskEnvelope } from './task-envelope.js';
import { limitsOf } from './task-limits.js';
import type { TaskRegistry } from './task-registry.js';

const nextUlid = monotonicFactory();

export interface BuildEnvelopeOptions {
  now?: number;
  traceId?: string;
}

/**
 * Turns a caller's request into a complete envelope, or throws {@link TaskValidationError} with the zod
 * issues: unknown type, bad options, a payload that fails the type's own schema, or a limit key that cannot be
 * computed. The limit keys are computed here, once: both queues and the consumers read them from the envelope.
 * Nothing is stored
 * before this has succeeded.
 */
export function buildEnvelope(
  registry: TaskRegistry,
  input: unknown,
  { now = Date.now(), traceId }: BuildEnvelopeOptions = {},
): TaskEnvelope {
  const request = NewTaskSchema.safeParse(input);
  if (!request.success) throw new TaskValidationError('invalid task', request.error.issues);
  const task = request.data;
  const definition = registry.get(task.type);
  const payload = safeParse(definition.schema, task.payload);
  if (!payload.success) {
    const issues = payload.error.issues.map((issue) => ({ ...issue, path: ['payload', ...issue.path] }));
    throw new TaskValidationError(`payload does not match task type "${task.type}"`, issues);
  }
  const limits = limitsOf(task.type, definition, payload.data, task);
  const id = task.id ?? nextUlid(now);
  const runAt = task.runAt !== undefined ? Date.parse(task.runAt) : now + (task.delaySeconds ?? 0) * 1000;
  return {
    id,
    type: task.type,
    // The caller's payload as given, not the schema's output: transforms run again at execution.
    payload: task.payload,
    ...(task.idempotencyKey !== undefined && { idempotencyKey: task.idempotencyKey }),
    priority: task.priority ?? 0,
    runAt: Math.max(0, runAt),
    attempt: 0,
    maxAttempts: task.maxAttempts ?? definition.retry.maxAttempts,
    timeoutMs: task.timeoutSeconds !== undefined ? task.timeoutSeconds * 1000 : definition.timeoutMs,
    traceId: traceId ?? id,
    createdAt: now,
    enqueuedVia: 'redis',
    ...(limits && { limits }),
  };
}
