import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/observability/logger.js';
import { noMetrics } from '../../lib/observability/metrics.js';
import type { SqsDepths } from '../../lib/queue/sqs/sqs-depths.js';
import { reconcile } from '../../lib/reconcile/reconcile.js';
import { makeEnvelope } from '../support/envelopes.js';
import { type HarnessRuntime, startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';

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

describe('the journal on an idle pass', () => {
  /** A pass over the runtime's real adapters that notes the long-poll wait of each journal page. */
  async function passNotingWaits(runtime: HarnessRuntime, depths?: () => Promise<SqsDepths>) {
    const { redis, sqs } = runtime.adapters;
    const waits: Array<number | undefined> = [];
    const report = await reconcile({
      redis,
      sqs: {
        drainJournal: (max, apply, wait) => {
          waits.push(wait);
          return sqs.journal.drain(max, apply, wait);
        },
        depths: depths ?? (() => sqs.depths()),
      },
      wakeConsumer: async () => undefined,
      logger: silentLogger,
      metrics: noMetrics,
    });
    return { report, waits };
  }

  async function journalAccepted(runtime: HarnessRuntime) {
    const envelope = makeEnvelope({ type: 'http', enqueuedVia: 'sqs' });
    const entry = { envelope, via: 'sqs', state: 'accepted', attempt: 0, finishedAt: Date.now() } as const;
    await runtime.adapters.sqs.journal.record(entry);
    return envelope;
  }

  it('does not wait on a journal SQS counts as empty', async () => {
    const runtime = await harness.runtime();
    const { report, waits } = await passNotingWaits(runtime);
    expect(report.errors).toEqual([]);
    expect(waits).toEqual([0]);
  });

  it('long-polls a journal that holds entries and writes them back', async () => {
    const runtime = await harness.runtime();
    const envelope = await journalAccepted(runtime);
    const { report, waits } = await passNotingWaits(runtime);
    expect(waits[0]).toBeUndefined(); // the journal's own long-poll wait
    expect(report.journalApplied).toBe(1);
    expect(await runtime.adapters.redis.status(envelope.id)).toMatchObject({ state: 'queued', via: 'sqs' });
  });

  it('still reads an entry the counts have not caught up with', async () => {
    const runtime = await harness.runtime();
    const envelope = await journalAccepted(runtime);
    const lagging = async () => {
      const depths = await runtime.adapters.sqs.depths();
      return { ...depths, journal: { visible: 0, inFlight: 0, delayed: 0 } };
    };
    const { report, waits } = await passNotingWaits(runtime, lagging);
    expect(waits[0]).toBe(0);
    expect(report.journalApplied).toBe(1);
    expect(await runtime.adapters.redis.status(envelope.id)).toMatchObject({ state: 'queued' });
  });
});
