/** How long to wait before attempt `attempt + 1`, given that `attempt` attempts have failed. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay after the first failure; doubles each time. */
  baseDelayMs: number;
  /** Upper bound of any one delay. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed so retries never bunch at zero,
 * half is random so a burst of failures does not retry in lockstep.
 *
 * @param failedAttempts attempts made so far (1 after the first failure)
 * @param random a source in [0, 1); injectable so tests can pin it
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  failedAttempts: number,
  random: () => number = Math.random,
) {
  const exponent = Math.max(0, failedAttempts - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
