import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvelope } from '../support/envelopes.js';
import { startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';

let harness: TandemHarness;
beforeAll(async () => {
  harness = await startTandemHarness();
});
afterAll(async () => {
  await harness?.stop();
});

describe('reconciler wake-ups', () => {
  it('wakes a consumer for old ready work even when a lost wake-up still holds the slot', async () => {
    let wakes = 0;
    const runtime = await harness.runtime({
      wakeConsumer: async () => {
        wakes += 1;
      },
    });
    // An enqueue that reserved the slot ("waking") but whose caller never saw the reply, so nobody was woken.
    const result = await runtime.adapters.redis.enqueue([
      makeEnvelope({ type: 'http', createdAt: Date.now() - 60_000 }),
    ]);
    expect(result.wakeConsumer).toBe(true);

    const report = await runtime.reconcile();
    expect(report.woke).toBe(true);
    expect(wakes).toBe(1);
  });

  it('leaves fresh work to the consumer that holds the slot', async () => {
    let wakes = 0;
    const runtime = await harness.runtime({
      wakeConsumer: async () => {
        wakes += 1;
      },
    });
    await runtime.adapters.redis.claim({ max: 0, leaseMs: 1_000, consumerId: 'draining', slotTtlMs: 60_000 });
    await runtime.adapters.redis.enqueue([makeEnvelope({ type: 'http' })]);
    const report = await runtime.reconcile();
    expect(report.woke).toBe(false);
    expect(wakes).toBe(0);
  });
});
