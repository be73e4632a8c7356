import { describe, expect, it } from 'vitest';
import { ContainerLimits } from '../../../lib/runner/container-limits.js';
import { makeEnvelope } from '../../support/envelopes.js';
import { ManualClock } from '../fakes/manual-clock.js';

describe('limits kept in one container while Redis is away', () => {
  it('admits at most the concurrency limit per key until a slot is released', () => {
    const limits = new ContainerLimits();
    const task = (key: string) => makeEnvelope({ limits: { concurrency: { key, limit: 2 } } });
    const first = limits.admit(task('a'));
    const second = limits.admit(task('a'));
    expect([first.admitted, second.admitted, limits.admit(task('a')).admitted]).toEqual([true, true, false]);
    expect(limits.admit(task('b')).admitted).toBe(true);
    if (first.admitted) {
      first.release();
      first.release();
    }
    expect(limits.admit(task('a')).admitted).toBe(true);
    expect(limits.admit(task('a')).admitted).toBe(false);
  });

  it('admits at most the rate limit per sliding window and says when it opens', () => {
    const clock = new ManualClock(1_000_000);
    const limits = new ContainerLimits(clock.now);
    const task = () => makeEnvelope({ limits: { rate: { key: 'api', limit: 2, periodMs: 1_000 } } });
    expect(limits.admit(task()).admitted).toBe(true);
    clock.advance(400);
    expect(limits.admit(task()).admitted).toBe(true);
    expect(limits.admit(task())).toEqual({ admitted: false, opensAt: 1_001_000 });
    clock.advance(600);
    expect(limits.admit(task()).admitted).toBe(true);
    expect(limits.admit(task())).toEqual({ admitted: false, opensAt: 1_001_400 });
  });

  it('scopes keys by task type', () => {
    const limits = new ContainerLimits();
    const of = (type: string) => makeEnvelope({ type, limits: { concurrency: { key: 'k', limit: 1 } } });
    expect(limits.admit(of('one')).admitted).toBe(true);
    expect(limits.admit(of('two')).admitted).toBe(true);
    expect(limits.admit(of('one')).admitted).toBe(false);
  });
});
