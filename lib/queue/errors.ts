import type { Backend } from '../tasks/task-envelope.js';

/** Base of every error a queue adapter throws; the backend's own error is kept as `cause`. */
export class QueueError extends Error {
  override readonly name: string = 'QueueError';
  constructor(
    message: string,
    readonly backend: Backend,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The backend could not be reached or did not answer properly: refused, reset, DNS, TLS, timeout,
 * abort, 5xx, rate limit, OOM/READONLY/LOADING/BUSY, an empty or malformed reply. Fail over on these.
 */
export class QueueUnavailableError extends QueueError {
  override readonly name: string = 'QueueUnavailableError';
}

/** The call overran its deadline; the backend may still have applied it. */
export class QueueTimeoutError extends QueueUnavailableError {
  override readonly name = 'QueueTimeoutError';
}

/** The backend answered, and the answer means a bug or bad input: never fail over on these. */
export class QueueLogicError extends QueueError {
  override readonly name = 'QueueLogicError';
}

/**
 * Neither backend acknowledged the tasks in time: the caller holds no receipt (HTTP 503). When a backend
 * timed out, it may still apply the write after the deadline (`maybeStored`), so the task may yet run:
 * retrying with the same `ids` is safe, since enqueue deduplicates by id.
 */
export class EnqueueUnavailableError extends Error {
  override readonly name = 'EnqueueUnavailableError';
  constructor(
    readonly retryAfterSeconds: number,
    readonly ids: readonly string[],
    readonly maybeStored: boolean,
    options?: ErrorOptions,
  ) {
    super(
      maybeStored
        ? 'no queue acknowledged the task in time; it may still have been stored: retry with the same id'
        : 'no queue accepted the task; nothing was stored',
      options,
    );
  }
}
