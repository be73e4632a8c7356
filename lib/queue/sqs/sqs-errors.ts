import { QueueError, QueueLogicError, QueueTimeoutError, QueueUnavailableError } from '../errors.js';

/** Error names (SDK and SQS codes) that mean "the call ran out of time": it may still have been applied. */
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);

/** SQS and AWS-wide codes that mean "try again later", whatever the HTTP status says. */
const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'OverLimit',
  'KmsThrottled',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
]);

/** Socket-level codes from Node and undici: the request never got a proper answer. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Turns whatever the SDK threw into a {@link QueueError}, keeping the original as `cause`:
 * timeouts and aborts → QueueTimeoutError; network failures, 5xx, throttling, malformed replies and anything
 * unrecognised → QueueUnavailableError (failing over is the safe answer when we cannot tell); a 4xx that SQS
 * answered (bad parameter, missing queue, access denied) → QueueLogicError, which never fails over.
 *
 * @example
 * try { await client.send(command) } catch (error) { throw toQueueError(error, 'SendMessageBatch') }
 */
export function toQueueError(error: unknown, operation: string): QueueError {
  if (error instanceof QueueError) return error;
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
  const name = typeof shape.name === 'string' ? shape.name : '';
  const code = typeof shape.code === 'string' ? shape.code : '';
  const detail = typeof shape.message === 'string' && shape.message !== '' ? shape.message : String(error);
  const message = `SQS ${operation} failed: ${name && name !== 'Error' ? `${name}: ` : ''}${detail}`;
  const options = { cause: error };

  if (TIMEOUT_NAMES.has(name) || code === 'ETIMEDOUT') return new QueueTimeoutError(message, 'sqs', options);
  if (isUnavailable(name, code, shape)) return new QueueUnavailableError(message, 'sqs', options);
  return new QueueLogicError(message, 'sqs', options);
}

function isUnavailable(name: string, code: string, shape: SdkErrorShape): boolean {
  if (THROTTLING_NAMES.has(name) || NETWORK_CODES.has(code) || code.startsWith('UND_ERR_')) return true;
  const status =
    typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  if (status === 429 || (status !== undefined && status >= 500) || shape.$fault === 'server') return true;
  // Only an answer SQS gave (a 4xx with an error code) proves the request itself was wrong; everything
  // else (no status at all, a reply the SDK could not parse) means we do not know what happened.
  const answeredByService = status !== undefined && status >= 400 && status < 500;
  return !answeredByService;
}
