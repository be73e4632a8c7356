import type { ApiErrorCode } from '../api/errors.js';

/**
 * The codes the client adds to the API's own ({@link ApiErrorCode}): no answer at all, no answer in time,
 * an answer that is not the JSON the API documents, and an error status without the API's error body (a
 * proxy or gateway answered instead of Tandem).
 */
export const TandemClientErrorCodes = {
  network: 'network',
  timeout: 'timeout',
  invalidResponse: 'invalid_response',
  http: 'http_error',
} as const;
export type TandemClientErrorCode = (typeof TandemClientErrorCodes)[keyof typeof TandemClientErrorCodes];

export interface TandemClientErrorOptions extends ErrorOptions {
  status?: number;
  code: ApiErrorCode | TandemClientErrorCode;
  issues?: readonly unknown[];
}

/**
 * Base of every error `createTandemClient` throws: `status` is the HTTP status (absent when no answer
 * came), `code` the API's error code or one of {@link TandemClientErrorCodes}, `issues` the validation
 * issues the API listed.
 *
 * @example
 * try { await tandem.enqueue(sendWelcome, { userId }); }
 * catch (error) { if (error instanceof TandemClientError) log.warn(error.code, error.message); }
 */
export class TandemClientError extends Error {
  override readonly name: string = 'TandemClientError';
  readonly status: number | undefined;
  readonly code: ApiErrorCode | TandemClientErrorCode;
  readonly issues: readonly unknown[] | undefined;

  constructor(message: string, { status, code, issues, ...options }: TandemClientErrorOptions) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

export interface TandemApiErrorOptions extends TandemClientErrorOptions {
  status: number;
  /** The API's `X-Request-Id`: the id its logs carry for this request. */
  requestId?: string;
}

/**
 * The API answered with a status other than 2xx (or a 2xx whose body is not JSON: code
 * `invalid_response`). `requestId` finds the request in the API's logs.
 */
export class TandemApiError extends TandemClientError {
  override readonly name: string = 'TandemApiError';
  override readonly status: number;
  readonly requestId: string | undefined;

  constructor(message: string, options: TandemApiErrorOptions) {
    super(message, options);
    this.status = options.status;
    this.requestId = options.requestId;
  }
}

/** 401: the token is missing, wrong or no longer configured (`TANDEM_API_TOKENS`). */
export class TandemAuthError extends TandemApiError {
  override readonly name = 'TandemAuthError';
}

/** 404 where the client does not answer `null`: e.g. replaying a task that is not dead, cancelling an unknown one. */
export class TandemNotFoundError extends TandemApiError {
  override readonly name = 'TandemNotFoundError';
}

/**
 * 409: the task cannot be cancelled, because it is running or has already finished.
 *
 * @example
 * try { await tandem.cancel(id); } catch (error) { if (!(error instanceof TandemConflictError)) throw error; }
 */
export class TandemConflictError extends TandemApiError {
  override readonly name = 'TandemConflictError';
}

export interface TandemUnavailableErrorOptions extends TandemApiErrorOptions {
  retryAfterSeconds?: number;
  ids?: readonly string[];
  maybeStored?: boolean;
}

/**
 * 503: no backend could do it now; try again after `retryAfterSeconds` (the `Retry-After` header, when
 * sent). From an enqueue, `ids` are the tasks not acknowledged and `maybeStored` says whether one may yet
 * have been stored (and run): either way, retrying with the same ids is safe, since enqueue deduplicates
 * by id. From a read, `ids` is empty and `maybeStored` false.
 *
 * @example
 * catch (error) {
 *   if (error instanceof TandemUnavailableError) await sleep((error.retryAfterSeconds ?? 1) * 1000);
 * }
 */
export class TandemUnavailableError extends TandemApiError {
  override readonly name = 'TandemUnavailableError';
  readonly retryAfterSeconds: number | undefined;
  readonly ids: readonly string[];
  readonly maybeStored: boolean;

  constructor(message: string, options: TandemUnavailableErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.ids = options.ids ?? [];
    this.maybeStored = options.maybeStored ?? false;
  }
}

/**
 * No answer: the request could not be sent, the connection failed, or the answer broke off; the
 * original error is `cause`. A write may still have reached the API (only a refused connection rules
 * that out), so retry an enqueue with the same `id` or `idempotencyKey`.
 */
export class TandemNetworkError extends TandemClientError {
  override readonly name: string = 'TandemNetworkError';

  constructor(message: string, options: ErrorOptions & { code?: TandemClientErrorCode } = {}) {
    super(message, { ...options, code: options.code ?? TandemClientErrorCodes.network });
  }
}

/** No whole answer within the client's `timeoutMs`; the request was aborted. A write may still apply. */
export class TandemTimeoutError extends TandemNetworkError {
  override readonly name = 'TandemTimeoutError';

  constructor(
    readonly timeoutMs: number,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, { ...options, code: TandemClientErrorCodes.timeout });
  }
}
