import { errors } from '@upstash/redis';
import { errorMessage } from '../../observability/error-message.js';
import { QueueError, QueueLogicError, QueueTimeoutError, QueueUnavailableError } from '../errors.js';

const { UpstashError, UpstashJSONParseError } = errors;

/**
 * Replies that prove our own command or script wrong: the only errors that must not fail over, since SQS
 * would store the same mistake. Anything else — network, abort, 5xx (the Upstash client folds the status
 * into the text, so a proxy's "503 ERR service unavailable" reads like a Redis reply), OOM, READONLY,
 * rate limits, unknown — is a transport failure, and the task goes to SQS instead of being refused.
 */
const OUR_MISTAKE =
  /^(WRONGTYPE|ERR (user_script|Error running script|Lua redis|wrong number of arguments|unknown command|syntax error|value is not))/;

/** Sorts what the Upstash client threw into the port's errors (see {@link OUR_MISTAKE}). */
export function toQueueError(error: unknown, operation: string): QueueError {
  if (error instanceof UpstashJSONParseError) {
    return new QueueUnavailableError(`redis ${operation}: unreadable reply`, 'redis', { cause: error });
  }
  return classifyRedisFailure(error, operation, error instanceof UpstashError);
}

/**
 * The rule shared by every transport. `isRedisReply` says the error text came from Redis itself (an
 * error reply), as opposed to the network or the client.
 */
export function classifyRedisFailure(error: unknown, operation: string, isRedisReply: boolean): QueueError {
  if (error instanceof QueueError) return error;
  const message = errorMessage(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new QueueTimeoutError(`redis ${operation} timed out`, 'redis', { cause: error });
  }
  const logic = isRedisReply && OUR_MISTAKE.test(message);
  const Kind = logic ? QueueLogicError : QueueUnavailableError;
  return new Kind(`redis ${operation}: ${firstLine(message)}`, 'redis', { cause: error });
}

export function isNoScriptError(error: unknown): boolean {
  // A pipelined client words it "Command failed: NOSCRIPT …"; a plain one starts with it.
  return error instanceof UpstashError && /\bNOSCRIPT\b/.test(error.message);
}

function firstLine(message: string): string {
  const line = message.split(/, command was:|\n/)[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
