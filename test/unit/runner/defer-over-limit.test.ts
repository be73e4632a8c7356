import { describe, expect, it } from 'vitest';
import { overLimitWaitMs } from '../../../lib/runner/defer-over-limit.js';

describe('how long a record over its limit stays away', () => {
  it('waits for the rate window to open, at least a second', () => {
    expect(overLimitWaitMs(10_500, 1, 10_000)).toBe(1_000);
    expect(overLimitWaitMs(14_000, 3, 10_000)).toBe(4_000);
  });

  it('backs off from 1 s to 30 s, with jitter, while it waits for a slot', () => {
    for (const [receives, ceiling] of [
      [1, 1_000],
      [2, 2_000],
      [4, 8_000],
      [9, 30_000],
    ] as const) {
      const wait = overLimitWaitMs(undefined, receives, 0);
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
      expect(wait).toBeLessThanOrEqual(ceiling);
    }
  });
});
