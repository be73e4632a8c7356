import { errors } from '@upstash/redis';
import { QueueError, QueueLogicError, QueueTimeoutError, QueueUnavailableError } from '../errors.js';

const { UpstashError, UpstashJSONParseError } = errors;

// Upstash answers rate and quota limits with ERR replies; they are outages for us, not bugs.
const RATE_LIMITED = /limit exceeded|too many requests|max (daily )?requests/i;

/**
 * Sorts what the Upstash client threw into the port's errors. Only a reply that proves our command was
 * wrong (ERR …, WRONGTYPE …) is a logic error; everything else — network, abort, 5xx, garbage, OOM, rate
 * limits, unknown — is a transport failure, so the task fails over to SQS rather than being refused.
 */
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
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new QueueTimeoutError(`redis ${operation} timed out`, 'redis', { cause: error });
  }
  // OOM, READONLY, LOADING, BUSY, MASTERDOWN… have prefixes of their own, so they land on the transport side.
  const logic = isRedisReply && /^(ERR|WRONGTYPE)\b/.test(message) && !RATE_LIMITED.test(message);
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
