import { describe, expect, it } from 'vitest';
import { type BreakerState, CircuitBreaker } from '../../../lib/queue/guard/circuit-breaker.js';
import { ManualClock } from '../fakes/manual-clock.js';

const COOLDOWN_MS = 2000;

function makeBreaker(failureThreshold = 3) {
  const clock = new ManualClock();
  const transitions: [BreakerState, BreakerState][] = [];
  const breaker = new CircuitBreaker({
    failureThreshold,
    cooldownMs: COOLDOWN_MS,
    clock: clock.now,
    onTransition: (from, to) => transitions.push([from, to]),
  });
  return { breaker, clock, transitions };
}

function openIt(breaker: CircuitBreaker) {
  breaker.recordFailure('deadline');
  expect(breaker.state).toBe('open');
}

describe('CircuitBreaker', () => {
  it('lets every request through while closed', () => {
    const { breaker } = makeBreaker();
    expect([breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([true, true, true]);
    expect(breaker.state).toBe('closed');
  });

  it('opens after the threshold of transport failures in a row', () => {
    const { breaker } = makeBreaker(3);
    breaker.recordFailure('transport');
    breaker.recordFailure('transport');
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure('transport');
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('starts counting again after a success', () => {
    const { breaker } = makeBreaker(3);
    breaker.recordFailure('transport');
    breaker.recordFailure('transport');
    breaker.recordSuccess();
    breaker.recordFailure('transport');
    breaker.recordFailure('transport');
    expect(breaker.state).toBe('closed');
    breaker.recordFailure('transport');
    expect(breaker.state).toBe('open');
  });

  it('opens at once on a deadline overrun', () => {
    const { breaker } = makeBreaker(3);
    breaker.recordFailure('deadline');
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('skips every request until the cooldown has passed', () => {
    const { breaker, clock } = makeBreaker();
    openIt(breaker);
    clock.advance(COOLDOWN_MS - 1);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half-open');
  });

  it('lets exactly one probe through until it settles', () => {
    const { breaker, clock } = makeBreaker();
    openIt(breaker);
    clock.advance(COOLDOWN_MS);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(10 * COOLDOWN_MS);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.state).toBe('half-open');
  });

  it('closes when the probe succeeds', () => {
    const { breaker, clock } = makeBreaker();
    openIt(breaker);
    clock.advance(COOLDOWN_MS);
    breaker.tryAcquire();
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect([breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([true, true]);
  });

  it('starts again from zero failures after closing', () => {
    const { breaker, clock } = makeBreaker(3);
    openIt(breaker);
    clock.advance(COOLDOWN_MS);
    breaker.tryAcquire();
    breaker.recordSuccess();
    breaker.recordFailure('transport');
    breaker.recordFailure('transport');
    expect(breaker.state).toBe('closed');
  });

  it('reopens for a whole cooldown when the probe fails, even on a transport failure below the threshold', () => {
    const { breaker, clock } = makeBreaker(3);
    openIt(breaker);
    clock.advance(COOLDOWN_MS);
    breaker.tryAcquire();
    clock.advance(500);
    breaker.recordFailure('transport');
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(COOLDOWN_MS - 1);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('reports closed → open → half-open → closed, once each', () => {
    const { breaker, clock, transitions } = makeBreaker(2);
    breaker.recordFailure('transport');
    breaker.recordFailure('transport');
    breaker.recordFailure('transport');
    breaker.tryAcquire();
    clock.advance(COOLDOWN_MS);
    breaker.tryAcquire();
    breaker.tryAcquire();
    breaker.recordSuccess();
    breaker.recordSuccess();
    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('reports half-open → open when the probe fails', () => {
    const { breaker, clock, transitions } = makeBreaker();
    openIt(breaker);
    clock.advance(COOLDOWN_MS);
    breaker.tryAcquire();
    breaker.recordFailure('deadline');
    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'open'],
    ]);
  });
});
