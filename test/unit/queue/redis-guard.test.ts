import { describe, expect, it } from 'vitest';
import { QueueUnavailableError } from '../../../lib/queue/errors.js';
import { RedisGuard } from '../../../lib/queue/guard/redis-guard.js';
import { ManualClock } from '../fakes/manual-clock.js';

/** A Redis stand-in whose ping answers when the test says so. */
function setup() {
  const clock = new ManualClock();
  let answerPing: (() => void) | undefined;
  const pings: number[] = [];
  const guard = new RedisGuard({
    failureThreshold: 1,
    cooldownMs: 2_000,
    timeoutMs: 150,
    probeWaitMs: 20,
    clock: clock.now,
    probe: () =>
      new Promise<void>((resolve) => {
        pings.push(clock.now());
        answerPing = resolve;
      }),
  });
  const down = () => Promise.reject(new QueueUnavailableError('redis enqueue: fetch failed', 'redis'));
  return { guard, clock, pings, down, answer: () => answerPing?.() };
}

describe('the Redis guard recovering', () => {
  it('probes with a ping after the cooldown, and every waiting caller goes to Redis once it answers', async () => {
    const { guard, clock, pings, down, answer } = setup();
    await expect(guard.call('enqueue', down)).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(guard.state).toBe('open');
    await expect(guard.call('enqueue', async () => 'x')).rejects.toThrow(/circuit breaker open/);
    expect(pings).toEqual([]);

    clock.advance(2_000);
    const calls = Array.from({ length: 8 }, (_, n) => guard.call('enqueue', async () => n));
    await Promise.resolve();
    expect(pings).toHaveLength(1); // one probe for all eight callers, and it is a ping
    answer();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(guard.state).toBe('closed');
  });

  it('sends callers to their fallback after the short wait when the probe does not answer in time', async () => {
    const { guard, clock, down } = setup();
    await guard.call('enqueue', down).catch(() => undefined);
    clock.advance(2_000);
    const started = performance.now();
    await expect(guard.call('enqueue', async () => 'x')).rejects.toThrow(/circuit breaker open/);
    expect(performance.now() - started).toBeLessThan(150);
  });
});
