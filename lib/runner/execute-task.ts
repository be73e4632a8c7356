import { safeParse } from 'zod/mini';
import type { Logger } from '../observability/logger.js';
import { backoffDelayMs } from '../tasks/backoff.js';
import { TaskTimeoutError, UnrecoverableTaskError } from '../tasks/errors.js';
import type { Backend, TaskEnvelope } from '../tasks/task-envelope.js';
import type { TaskRegistry } from '../tasks/task-registry.js';

export type TaskRun =
  | { ok: true; result: unknown; durationMs: number }
  | { ok: false; error: string; unrecoverable: boolean; durationMs: number };

export interface ExecuteOptions {
  via: Backend;
  logger: Logger;
  /** The attempt's deadline: the task's own timeout, shortened to what the Lambda has left. */
  timeoutMs: number;
}

/**
 * Runs one attempt of a task: parses its payload with the type's schema, gives the handler an abort signal
 * that fires at the deadline, and turns every way it can end into a {@link TaskRun}. Never throws.
 * A payload that no longer parses or a type this deployment does not know can never succeed: unrecoverable.
 */
export async function executeTask(
  registry: TaskRegistry,
  envelope: TaskEnvelope,
  { via, logger, timeoutMs }: ExecuteOptions,
): Promise<TaskRun> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (!registry.has(envelope.type)) {
    return { ok: false, error: `unknown task type "${envelope.type}"`, unrecoverable: true, durationMs: 0 };
  }
  const definition = registry.get(envelope.type);
  const payload = safeParse(definition.schema, envelope.payload);
  if (!payload.success) {
    return { ok: false, error: `payload no longer matches its schema`, unrecoverable: true, durationMs: 0 };
  }

  const controller = new AbortController();
  const timeout = new TaskTimeoutError(envelope.id, timeoutMs);
  const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(timeout), { once: true });
  });
  try {
    const context = {
      taskId: envelope.id,
      attempt: envelope.attempt,
      maxAttempts: envelope.maxAttempts,
      traceId: envelope.traceId,
      via,
      logger: logger.child({
        taskId: envelope.id,
        traceId: envelope.traceId,
        via,
        attempt: envelope.attempt,
      }),
      signal: controller.signal,
    };
    // A handler that ignores its signal still cannot hold the consumer past the deadline.
    const result = await Promise.race([definition.handler(payload.data, context), aborted]);
    return { ok: true, result, durationMs: elapsed() };
  } catch (error) {
    const unrecoverable = error instanceof UnrecoverableTaskError;
    return { ok: false, error: describe(error), unrecoverable, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How long to wait before retrying a failed attempt, by its type's policy; both consumers use this. A type
 * this deployment does not know has no policy (and its attempt is unrecoverable anyway): no wait.
 */
export function retryDelayMs(registry: TaskRegistry, envelope: TaskEnvelope): number {
  if (!registry.has(envelope.type)) return 0;
  return backoffDelayMs(registry.get(envelope.type).retry, envelope.attempt);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2000);
  return String(error).slice(0, 2000);
}
