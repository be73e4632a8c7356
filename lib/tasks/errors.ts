import type * as z from 'zod/mini';

/** Base class of the errors that describe a task, not a backend. */
export class TaskError extends Error {
  override readonly name: string = 'TaskError';
}

/**
 * Thrown from a handler to stop retrying: the task goes straight to the dead set.
 *
 * @example
 * if (response.status === 404) throw new UnrecoverableTaskError('no such customer');
 */
export class UnrecoverableTaskError extends TaskError {
  override readonly name = 'UnrecoverableTaskError';
}

/** A task failed its own deadline (timeoutMs) or the Lambda ran out of time. */
export class TaskTimeoutError extends TaskError {
  override readonly name = 'TaskTimeoutError';
  constructor(
    readonly taskId: string,
    readonly timeoutMs: number,
  ) {
    super(`task ${taskId} did not finish within ${timeoutMs} ms`);
  }
}

/** Input that must never be stored: unknown type, payload that fails its schema, bad options. */
export class TaskValidationError extends TaskError {
  override readonly name: string = 'TaskValidationError';
  constructor(
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class UnknownTaskTypeError extends TaskValidationError {
  override readonly name = 'UnknownTaskTypeError';
  constructor(readonly type: string) {
    super(`unknown task type "${type}"`, [
      { code: 'custom', path: ['type'], message: `unknown task type "${type}"`, input: type },
    ]);
  }
}
