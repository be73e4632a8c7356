import { errors } from '@upstash/redis';
import { QueueError, QueueLogicError, QueueTimeoutError, QueueUnavailableError } from '../errors.js';

const { UpstashError, UpstashJSONParseError } = errors;

// Replies that mean "Redis cannot take writes right now", not "your command is wrong".
const TRANSIENT_REPLY = /^(OOM|READONLY|LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;
// Upstash answers rate and quota limits with ERR replies; they are outages for us, not bugs.
const RATE_LIMITED = /limit exceeded|too many requests|max (daily )?requests/i;

/**
 * Sorts what the Upstash client threw into the port's errors. The rule that matters: only a reply that
 * proves our command was wrong (ERR …, WRONGTYPE …) is a logic error; everything else — network, abort,
 * 5xx, garbage, OOM, rate limits, unknown — is a transport failure, so the task fails over to SQS
 * rather than being refused.
 */
export function toQueueError(error: unknown, operation: string): QueueError {
  if (error instanceof QueueError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new QueueTimeoutError(`redis ${operation} timed out`, 'redis', { cause: error });
  }
  if (error instanceof UpstashJSONParseError) {
    return new QueueUnavailableError(`redis ${operation}: unreadable reply`, 'redis', { cause: error });
  }
  if (
    error instanceof UpstashError &&
    /^(ERR|WRONGTYPE)\b/.test(message) &&
    !TRANSIENT_REPLY.test(message) &&
    !RATE_LIMITED.test(message)
  ) {
    return new QueueLogicError(`redis ${operation}: ${firstLine(message)}`, 'redis', { cause: error });
  }
  return new QueueUnavailableError(`redis ${operation}: ${firstLine(message)}`, 'redis', { cause: error });
}

export function isNoScriptError(error: unknown): boolean {
  return error instanceof UpstashError && error.message.startsWith('NOSCRIPT');
}

function firstLine(message: string): string {
  const line = message.split(/, command was:|\n/)[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
