import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type RetryPolicy } from '../../../lib/tasks/backoff.js';

const policy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 60_000 };
const lowest = () => 0;
const highest = () => 0.999;

// The ceiling doubles from baseDelayMs and stops at maxDelayMs.
const ceilings = [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000];

describe('backoffDelayMs', () => {
  it.each(ceilings.map((ceiling, index) => [index + 1, ceiling] as const))(
    'after %i failed attempt(s) waits between half of %i ms and all of it',
    (attempts, ceiling) => {
      const low = backoffDelayMs(policy, attempts, lowest);
      const high = backoffDelayMs(policy, attempts, highest);
      expect(low).toBe(ceiling / 2);
      expect(high).toBeLessThanOrEqual(ceiling);
      expect(high).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.999));
    },
  );

  it('doubles the delay per attempt until the cap', () => {
    const lows = ceilings.map((_, index) => backoffDelayMs(policy, index + 1, lowest));
    for (let i = 1; i < 6; i++) expect(lows[i]).toBe(2 * (lows[i - 1] as number));
    expect(new Set(lows.slice(6))).toEqual(new Set([30_000]));
  });

  it('never exceeds maxDelayMs, even after very many attempts', () => {
    for (const attempts of [31, 64, 1000, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelayMs(policy, attempts, highest);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeLessThanOrEqual(policy.maxDelayMs);
      expect(delay).toBeGreaterThanOrEqual(policy.maxDelayMs / 2);
    }
  });

  it('treats zero failed attempts like the first', () => {
    expect(backoffDelayMs(policy, 0, lowest)).toBe(500);
  });

  it('returns whole milliseconds', () => {
    const delay = backoffDelayMs({ maxAttempts: 3, baseDelayMs: 333, maxDelayMs: 10_000 }, 1, () => 0.123);
    expect(Number.isInteger(delay)).toBe(true);
  });
});
