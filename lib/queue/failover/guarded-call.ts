import { QueueTimeoutError, QueueUnavailableError } from '../errors.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { withDeadline } from './with-deadline.js';

/**
 * One Redis call behind the breaker and a hard deadline. Throws {@link QueueUnavailableError} at once when
 * the breaker is open, so callers take their fallback path without spending the deadline.
 */
export async function guardedRedisCall<T>(
  breaker: CircuitBreaker,
  timeoutMs: number,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  if (!breaker.tryAcquire()) {
    throw new QueueUnavailableError(`redis ${operation} skipped: circuit breaker open`, 'redis');
  }
  try {
    const result = await withDeadline(call(), timeoutMs, 'redis', operation);
    breaker.recordSuccess();
    return result;
  } catch (error) {
    if (error instanceof QueueUnavailableError) {
      breaker.recordFailure(error instanceof QueueTimeoutError ? 'deadline' : 'transport');
    } else {
      // Redis answered, if only to say no: it is reachable.
      breaker.recordSuccess();
    }
    throw error;
  }
}
