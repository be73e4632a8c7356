export type { ApiEnv, ApiRuntime } from './api-env.js';
export { createBearerTokenCheck } from './check-bearer-token.js';
export { createApiApp } from './create-api-app.js';
export { type ErrorBody, type ErrorResponse, toErrorResponse } from './error-response.js';
export {
  ApiError,
  type ApiErrorCode,
  ApiErrorCodes,
  ConflictError,
  InvalidJsonError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from './errors.js';
export { MAX_BODY_BYTES } from './read-json-body.js';
