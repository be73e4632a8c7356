import { QueueTimeoutError, QueueUnavailableError } from '../errors.js';
import {
  type BreakerState,
  BreakerStates,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import { withDeadline } from './with-deadline.js';

export interface RedisGuardOptions extends CircuitBreakerOptions {
  /** Hard deadline of every Redis call, on top of the client's own abort signal. */
  timeoutMs: number;
  /** The half-open probe: a cheap round trip (a ping), never a caller's own request. */
  probe?: () => Promise<void>;
  /** How long a caller waits for a probe in flight before it takes its fallback (default 20 ms). */
  probeWaitMs?: number;
}

/**
 * The one guard around Redis: every call goes through the per-container circuit breaker and a hard
 * deadline. While the breaker is open a call throws {@link QueueUnavailableError} at once, so callers take
 * their fallback (SQS, the journal, a 503) without spending the deadline. Only transport failures count
 * against Redis; an answer that says no (a logic error) proves Redis reachable.
 *
 * After the cooldown the breaker is probed with a ping, not with a caller's request: every caller waits
 * for the probe a short moment (`probeWaitMs`), and goes to Redis when it answered in time. So recovery
 * costs no caller a full deadline, and traffic returns to Redis together instead of one probe at a time.
 *
 * @example
 * const guard = new RedisGuard({ timeoutMs: 150, failureThreshold: 3, cooldownMs: 2000, probe: () => queue.ping() });
 * const status = await guard.call('status', () => redisQueue.status(id));
 */
export class RedisGuard {
  readonly #breaker: CircuitBreaker;
  readonly #timeoutMs: number;
  readonly #probe: (() => Promise<void>) | undefined;
  readonly #probeWaitMs: number;
  #probing: Promise<void> | undefined;
  readonly #listeners: ((from: BreakerState, to: BreakerState) => void)[] = [];

  constructor({ timeoutMs, probe, probeWaitMs = 20, onTransition, ...breaker }: RedisGuardOptions) {
    if (onTransition) this.#listeners.push(onTransition);
    this.#breaker = new CircuitBreaker({
      ...breaker,
      onTransition: (from, to) => {
        for (const listener of this.#listeners) listener(from, to);
      },
    });
    this.#timeoutMs = timeoutMs;
    this.#probe = probe;
    this.#probeWaitMs = probeWaitMs;
  }

  /** Also tells `listener` of every breaker transition (for a guard built before its listener, as in tests). */
  onTransition(listener: (from: BreakerState, to: BreakerState) => void): void {
    this.#listeners.push(listener);
  }

  get state(): BreakerState {
    return this.#breaker.state;
  }

  async call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (!(await this.#mayCall())) {
      throw new QueueUnavailableError(`redis ${operation} skipped: circuit breaker open`, 'redis');
    }
    try {
      const result = await withDeadline(call(), this.#timeoutMs, 'redis', operation);
      this.#breaker.recordSuccess();
      return result;
    } catch (error) {
      this.#record(error);
      throw error;
    }
  }

  /** Closed: yes. Open: no, until the cooldown ends; then whatever the probe shows within the wait. */
  async #mayCall(): Promise<boolean> {
    const acquired = this.#breaker.tryAcquire();
    if (this.#probe === undefined) return acquired;
    if (acquired && this.#breaker.state === BreakerStates.closed) return true;
    if (acquired) this.#probing = this.#runProbe(this.#probe);
    if (this.#probing === undefined) return false;
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#probeWaitMs);
    });
    await Promise.race([this.#probing, wait]);
    clearTimeout(timer);
    return this.#breaker.state === BreakerStates.closed;
  }

  async #runProbe(probe: () => Promise<void>): Promise<void> {
    try {
      await withDeadline(probe(), this.#timeoutMs, 'redis', 'probe');
      this.#breaker.recordSuccess();
    } catch (error) {
      this.#record(error);
    } finally {
      this.#probing = undefined;
    }
  }

  #record(error: unknown): void {
    if (error instanceof QueueUnavailableError) {
      this.#breaker.recordFailure(error instanceof QueueTimeoutError ? 'deadline' : 'transport');
    } else {
      // Redis answered, if only to say no: it is reachable.
      this.#breaker.recordSuccess();
    }
  }
}
