import { ReplyError } from 'ioredis';
import { errorMessage } from './error-message.js';

/** An answer the bridge gives instead of a Redis reply; `status` becomes the HTTP status. */
export class BridgeHttpError extends Error {
  override readonly name = 'BridgeHttpError';
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Redis itself answered with an error (ERR, WRONGTYPE, NOSCRIPT, OOM…): the connection is fine. */
export function isRedisErrorReply(error: unknown): error is Error {
  return error instanceof ReplyError;
}

/**
 * Anything that is not a Redis error reply means Redis could not be asked: refused, closed, not yet
 * reconnected, or silent past the command timeout. These become 5xx so that callers fail over. The
 * messages deliberately do not start with `ERR`: clients read that prefix as "your command was wrong".
 */
export function toUnavailableError(error: unknown): BridgeHttpError {
  const reason = errorMessage(error);
  if (reason === 'Command timed out') {
    return new BridgeHttpError(504, 'Redis behind the REST bridge did not answer in time', { cause: error });
  }
  return new BridgeHttpError(503, `Redis behind the REST bridge is unavailable: ${reason}`, { cause: error });
}
