import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { EnqueueUnavailableError, QueueUnavailableError } from '../queue/errors.js';
import { TaskValidationError } from '../tasks/errors.js';
import { ApiError, type ApiErrorCode, ApiErrorCodes } from './errors.js';

/** The one shape of every error the API sends. */
export interface ErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    issues?: readonly unknown[];
    /** On 503 from enqueue: the ids of the tasks not acknowledged, to retry with. */
    ids?: readonly string[];
    /** On 503 from enqueue: a backend timed out and may still store (and run) the task. */
    maybeStored?: boolean;
  };
}

export interface ErrorResponse {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
  /** How to log it: `error` for a fault of ours (500), `warn` for a backend outage, else nothing beyond the request line. */
  severity: 'error' | 'warn' | 'none';
}

export interface ErrorResponseOptions {
  /** `Retry-After` for reads that Redis could not answer (the breaker's cooldown is a good value). */
  retryAfterSeconds: number;
}

/**
 * Maps anything a route throws to a status and a JSON body. Only errors written for callers keep their
 * message; anything unexpected is a 500 `internal` whose message (which may name hosts, keys or
 * payload fragments) stays in the logs.
 *
 * @example
 * toErrorResponse(new EnqueueUnavailableError(1, [id], false), { retryAfterSeconds: 2 });
 * // { status: 503, headers: { 'Retry-After': '1' }, body: { error: { code: 'unavailable', … } }, … }
 */
export function toErrorResponse(error: unknown, options: ErrorResponseOptions): ErrorResponse {
  if (error instanceof ApiError) {
    return respond(error.status, error.code, error.message, 'none', error.headers, error.issues);
  }
  if (error instanceof TaskValidationError) {
    return respond(422, ApiErrorCodes.invalidTask, error.message, 'none', {}, error.issues);
  }
  if (error instanceof EnqueueUnavailableError) {
    const response = respond(
      503,
      ApiErrorCodes.unavailable,
      error.message,
      'warn',
      retryAfter(error.retryAfterSeconds),
    );
    Object.assign(response.body.error, { ids: error.ids, maybeStored: error.maybeStored });
    return response;
  }
  if (error instanceof QueueUnavailableError) {
    const message = `${error.backend} cannot answer right now; try again later`;
    return respond(503, ApiErrorCodes.unavailable, message, 'warn', retryAfter(options.retryAfterSeconds));
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Raised by Hono itself (e.g. a malformed URL); its message is meant for the caller.
    const status = error.status as ContentfulStatusCode;
    return respond(
      status,
      status === 404 ? ApiErrorCodes.notFound : ApiErrorCodes.invalidRequest,
      error.message,
      'none',
    );
  }
  return respond(500, ApiErrorCodes.internal, 'internal error; see the logs for this request id', 'error');
}

function respond(
  status: ContentfulStatusCode,
  code: ApiErrorCode,
  message: string,
  severity: ErrorResponse['severity'],
  headers: Record<string, string> = {},
  issues?: readonly unknown[],
): ErrorResponse {
  return {
    status,
    body: { error: { code, message, ...(issues !== undefined && { issues }) } },
    headers,
    severity,
  };
}

function retryAfter(seconds: number): Record<string, string> {
  return { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) };
}
