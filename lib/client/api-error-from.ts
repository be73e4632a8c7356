import type { ApiErrorCode } from '../api/errors.js';
import {
  TandemApiError,
  type TandemApiErrorOptions,
  TandemAuthError,
  TandemClientErrorCodes,
  TandemConflictError,
  TandemNotFoundError,
  TandemUnavailableError,
} from './errors.js';

/** An answer as the client reads it: status, headers, and the body parsed as JSON (`undefined` if it is not). */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * The typed error for an answer the client cannot return: a non-2xx, or a 2xx without a JSON body (code
 * `invalid_response`). Tandem's `{ error: { code, message, issues? } }` body gives code, message and
 * issues; an error status without it (a gateway's own page) gets code `http_error`.
 *
 * @example
 * apiErrorFrom({ status: 409, headers, body: { error: { code: 'conflict', message: 'running' } } });
 * // TandemConflictError { status: 409, code: 'conflict', message: 'running' }
 */
export function apiErrorFrom({ status, headers, body }: ApiAnswer): TandemApiError {
  const error = errorBodyOf(body);
  const ok = status >= 200 && status < 300;
  const message =
    error?.message ??
    (ok
      ? `the API answered HTTP ${status} without a JSON body`
      : `the API answered HTTP ${status}${gatewayMessage(body)}`);
  const requestId = headers.get('x-request-id') ?? undefined;
  const options: TandemApiErrorOptions = {
    status,
    code: error?.code ?? (ok ? TandemClientErrorCodes.invalidResponse : TandemClientErrorCodes.http),
    ...(error?.issues !== undefined && { issues: error.issues }),
    ...(requestId !== undefined && { requestId }),
  };
  switch (status) {
    case 401:
      return new TandemAuthError(message, options);
    case 404:
      return new TandemNotFoundError(message, options);
    case 409:
      return new TandemConflictError(message, options);
    case 503: {
      const retryAfterSeconds = retryAfterOf(headers.get('retry-after'));
      return new TandemUnavailableError(message, {
        ...options,
        ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
        ...(error?.ids !== undefined && { ids: error.ids }),
        ...(error?.maybeStored !== undefined && { maybeStored: error.maybeStored }),
      });
    }
    default:
      return new TandemApiError(message, options);
  }
}

interface ErrorFields {
  code: ApiErrorCode;
  message: string;
  issues?: readonly unknown[];
  ids?: readonly string[];
  maybeStored?: boolean;
}

/** The API's error fields, each kept only when it has the documented type. */
function errorBodyOf(body: unknown): ErrorFields | undefined {
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return undefined;
  }
  const { code, message, issues, ids, maybeStored } = error;
  return {
    code: code as ApiErrorCode,
    message,
    ...(Array.isArray(issues) && { issues }),
    ...(Array.isArray(ids) && ids.every((id) => typeof id === 'string') && { ids: ids as string[] }),
    ...(typeof maybeStored === 'boolean' && { maybeStored }),
  };
}

/** API Gateway's own errors are `{ "message": "..." }`. */
function gatewayMessage(body: unknown): string {
  return isRecord(body) && typeof body.message === 'string' ? `: ${body.message.slice(0, 200)}` : '';
}

/** `Retry-After` in seconds; the HTTP-date form is turned into seconds from now. */
function retryAfterOf(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
