import { QueueTimeoutError, QueueUnavailableError } from '../errors.js';
import { type BreakerState, CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { withDeadline } from './with-deadline.js';

export interface RedisGuardOptions extends CircuitBreakerOptions {
  /** Hard deadline of every Redis call, on top of the client's own abort signal. */
  timeoutMs: number;
}

/**
 * The one guard around Redis: every call goes through the per-container circuit breaker and a hard
 * deadline. While the breaker is open a call throws {@link QueueUnavailableError} at once, so callers take
 * their fallback (SQS, the journal, a 503) without spending the deadline. Only transport failures count
 * against Redis; an answer that says no (a logic error) proves Redis reachable.
 *
 * @example
 * const guard = new RedisGuard({ timeoutMs: 150, failureThreshold: 3, cooldownMs: 2000 });
 * const status = await guard.call('status', () => redisQueue.status(id));
 */
export class RedisGuard {
  readonly #breaker: CircuitBreaker;
  readonly #timeoutMs: number;
  readonly #listeners: ((from: BreakerState, to: BreakerState) => void)[] = [];

  constructor({ timeoutMs, onTransition, ...breaker }: RedisGuardOptions) {
    if (onTransition) this.#listeners.push(onTransition);
    this.#breaker = new CircuitBreaker({
      ...breaker,
      onTransition: (from, to) => {
        for (const listener of this.#listeners) listener(from, to);
      },
    });
    this.#timeoutMs = timeoutMs;
  }

  /** Also tells `listener` of every breaker transition (for a guard built before its listener, as in tests). */
  onTransition(listener: (from: BreakerState, to: BreakerState) => void): void {
    this.#listeners.push(listener);
  }

  get state(): BreakerState {
    return this.#breaker.state;
  }

  async call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (!this.#breaker.tryAcquire()) {
      throw new QueueUnavailableError(`redis ${operation} skipped: circuit breaker open`, 'redis');
    }
    try {
      const result = await withDeadline(call(), this.#timeoutMs, 'redis', operation);
      this.#breaker.recordSuccess();
      return result;
    } catch (error) {
      if (error instanceof QueueUnavailableError) {
        this.#breaker.recordFailure(error instanceof QueueTimeoutError ? 'deadline' : 'transport');
      } else {
        this.#breaker.recordSuccess();
      }
      throw error;
    }
  }
}
