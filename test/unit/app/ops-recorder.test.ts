import { describe, expect, it } from 'vitest';
import { OpsRecorder } from '../../../lib/app/ops-recorder.js';
import { GuardedOpsStore } from '../../../lib/queue/guard/guarded-ops-store.js';
import { RedisGuard } from '../../../lib/queue/guard/redis-guard.js';
import { FakeOpsStore } from '../fakes/fake-ops-store.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { createRecordingLogger } from '../fakes/recording-logger.js';

const COOLDOWN_MS = 2_000;

/** A recorder writing through a real guard and breaker to an in-memory store, as in a container. */
function container() {
  const clock = new ManualClock();
  const store = new FakeOpsStore();
  const timers: { at: number; run: () => void }[] = [];
  const recorder: OpsRecorder = new OpsRecorder({
    store: () => guarded,
    source: 'c-1',
    logger: createRecordingLogger(),
    clock: clock.now,
    maxHeld: 50,
    later: (at, run) => timers.push({ at, run }),
  });
  const guard = new RedisGuard({
    failureThreshold: 3,
    cooldownMs: COOLDOWN_MS,
    timeoutMs: 50,
    clock: clock.now,
    onTransition: (from, to) => recorder.breaker(from, to),
  });
  const guarded = new GuardedOpsStore(store, guard);
  /** Any Redis call of the container (here: a count), which fails while the store is down. */
  const call = () => guarded.countStates().catch(() => undefined);
  return { clock, store, recorder, call, timers };
}

const kinds = (store: FakeOpsStore) => store.events.map((event) => event.kind);

describe('the operations timeline of one container', () => {
  it('holds what it saw while Redis was down and writes it, with the outage, once a probe succeeds', async () => {
    const { clock, store, recorder, call } = container();
    store.down = true;
    const startedAt = clock.now();
    for (let i = 0; i < 3; i += 1) await call();
    expect(recorder.unreachableSince).toBe(startedAt);
    recorder.failover({ kind: 'failover', reason: 'breaker open', tasks: 4 });
    recorder.record({ kind: 'dead-lettered', via: 'sqs', tasks: 1 });
    await recorder.flush();
    expect(store.events).toEqual([]);

    clock.advance(COOLDOWN_MS + 1);
    store.down = false;
    await call(); // the probe: half-open → closed
    await recorder.flush();
    expect(recorder.unreachableSince).toBeUndefined();
    expect(kinds(store)).toEqual(['breaker', 'dead-lettered', 'breaker', 'outage']);
    expect(store.events.at(-1)).toMatchObject({
      kind: 'outage',
      startedAt,
      endedAt: startedAt + COOLDOWN_MS + 1,
      tasksViaSqs: 4,
      source: 'c-1',
    });
  });

  it('tallies failovers per minute into one event, written once the minute is over', async () => {
    const { clock, store, recorder, timers } = container();
    for (let i = 0; i < 25; i += 1)
      recorder.failover({ kind: 'failover', reason: 'redis timeout', tasks: 2 });
    await recorder.flush();
    expect(store.events).toEqual([]);
    expect(timers).toHaveLength(1);
    clock.advance(61_000);
    await recorder.flush();
    expect(store.events).toEqual([
      expect.objectContaining({
        kind: 'failover',
        tasks: 50,
        reason: 'redis timeout',
        until: expect.any(Number),
      }),
    ]);
  });

  it('counts a late answer that closes the breaker as the same outage when it reopens at once', async () => {
    const { clock, store, recorder } = container();
    recorder.breaker('closed', 'open');
    recorder.breaker('open', 'closed'); // a request sent before the breaker opened answered late
    clock.advance(100);
    recorder.breaker('closed', 'open');
    expect(recorder.unreachableSince).toBe(clock.now() - 100);
    clock.advance(5_000);
    recorder.breaker('open', 'closed');
    clock.advance(1_500); // stays closed past the settle time: the outage is over
    await recorder.flush();
    expect(kinds(store)).toEqual(['breaker', 'breaker', 'outage']);
  });

  it('sends a batch again under the same id after a write that timed out, so it is stored once', async () => {
    const { store, recorder } = container();
    store.applyThenFail = true;
    recorder.record({ kind: 'reaped', requeued: 2, dead: 0 });
    await recorder.flush();
    await recorder.flush();
    expect(kinds(store)).toEqual(['reaped']);
  });

  it('holds a bounded number of records while Redis stays away', async () => {
    const { clock, store, recorder } = container();
    store.down = true;
    for (let i = 0; i < 200; i += 1) {
      recorder.record({ kind: 'dead-lettered', via: 'sqs', tasks: i });
      await recorder.flush();
    }
    store.down = false;
    clock.advance(COOLDOWN_MS + 1);
    await recorder.flush(); // its write is the probe that closes the breaker
    await recorder.flush();
    const deaths = store.events.filter((event) => event.kind === 'dead-lettered');
    expect(deaths.length).toBeGreaterThan(0);
    expect(deaths.length).toBeLessThanOrEqual(50);
    expect(deaths.at(-1)).toMatchObject({ tasks: 199 });
    expect(kinds(store)).toContain('outage');
  });
});
