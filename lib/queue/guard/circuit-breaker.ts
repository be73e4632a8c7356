export const BreakerStates = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type BreakerState = (typeof BreakerStates)[keyof typeof BreakerStates];

export interface CircuitBreakerOptions {
  /** Transport failures in a row that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker skips Redis before one request probes it. */
  cooldownMs: number;
  clock?: () => number;
  onTransition?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * Per-container breaker in front of Redis. Closed: every request goes to Redis. Open: none do, so a
 * Redis outage costs one SQS call per enqueue instead of a deadline each. After the cooldown exactly
 * one request probes (half-open); its success closes the breaker, its failure opens it again.
 */
export class CircuitBreaker {
  #state: BreakerState = BreakerStates.closed;
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;
  readonly #options: Required<Omit<CircuitBreakerOptions, 'onTransition'>> &
    Pick<CircuitBreakerOptions, 'onTransition'>;

  constructor(options: CircuitBreakerOptions) {
    this.#options = { clock: Date.now, ...options };
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Whether a request may go to Redis now. In half-open, only the one probe gets `true`. */
  tryAcquire(): boolean {
    if (this.#state === BreakerStates.closed) return true;
    if (this.#state === BreakerStates.open) {
      if (this.#options.clock() - this.#openedAt < this.#options.cooldownMs) return false;
      this.#transition(BreakerStates.halfOpen);
    }
    if (this.#probeInFlight) return false;
    this.#probeInFlight = true;
    return true;
  }

  /** Redis answered (even with a logic error): it is reachable. */
  recordSuccess(): void {
    this.#failures = 0;
    this.#probeInFlight = false;
    if (this.#state !== BreakerStates.closed) this.#transition(BreakerStates.closed);
  }

  /** A transport failure; a deadline overrun opens the breaker at once, since waiting again costs the budget again. */
  recordFailure(kind: 'transport' | 'deadline'): void {
    this.#failures += 1;
    this.#probeInFlight = false;
    const shouldOpen =
      this.#state === BreakerStates.halfOpen ||
      kind === 'deadline' ||
      this.#failures >= this.#options.failureThreshold;
    if (shouldOpen) {
      this.#openedAt = this.#options.clock();
      if (this.#state !== BreakerStates.open) this.#transition(BreakerStates.open);
    }
  }

  #transition(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    this.#options.onTransition?.(from, to);
  }
}
