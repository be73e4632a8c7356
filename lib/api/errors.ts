import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The `code` of every error body the API sends, so clients can branch on it. */
export const ApiErrorCodes = {
  unauthorized: 'unauthorized',
  invalidJson: 'invalid_json',
  invalidTask: 'invalid_task',
  invalidRequest: 'invalid_request',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  notFound: 'not_found',
  conflict: 'conflict',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ApiErrorCode = (typeof ApiErrorCodes)[keyof typeof ApiErrorCodes];

export interface ApiErrorOptions extends ErrorOptions {
  issues?: readonly unknown[];
  headers?: Record<string, string>;
}

/**
 * Base of the errors a route throws to answer with a given status. Their message is written for the
 * caller and is sent as is; any other error becomes a 500 whose message is never sent.
 */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  readonly issues: readonly unknown[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, options);
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }
}

export class UnauthorizedError extends ApiError {
  override readonly name = 'UnauthorizedError';
  constructor() {
    super(401, ApiErrorCodes.unauthorized, 'a valid "Authorization: Bearer <token>" header is required', {
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
}

export class InvalidJsonError extends ApiError {
  override readonly name = 'InvalidJsonError';
  constructor(message = 'the request body is not valid JSON', options?: ErrorOptions) {
    super(400, ApiErrorCodes.invalidJson, message, { ...options });
  }
}

/** A request (body or query) that parsed but does not have the shape a route expects. */
export class InvalidRequestError extends ApiError {
  override readonly name = 'InvalidRequestError';
  constructor(message: string, issues: readonly unknown[]) {
    super(422, ApiErrorCodes.invalidRequest, message, { issues });
  }
}

export class PayloadTooLargeError extends ApiError {
  override readonly name = 'PayloadTooLargeError';
  constructor(readonly maxBytes: number) {
    super(413, ApiErrorCodes.payloadTooLarge, `the request body is larger than ${maxBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor() {
    super(415, ApiErrorCodes.unsupportedMediaType, 'the request body must be sent as application/json');
  }
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super(404, ApiErrorCodes.notFound, message);
  }
}

export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  constructor(message: string) {
    super(409, ApiErrorCodes.conflict, message);
  }
}
