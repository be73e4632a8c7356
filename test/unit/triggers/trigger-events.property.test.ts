import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventsHandler } from '../../../lib/triggers/index.js';
import { removed, withField } from '../../support/with-field.js';
import { fakeTriggerDeps } from '../fakes/fake-trigger-deps.js';
import { MAPPED_TOPIC, recordItems, recordsMapping, snsRecord, withOutcome } from './record-arbitraries.js';

function setup() {
  const world = fakeTriggerDeps({ mapping: recordsMapping });
  return { ...world, events: createEventsHandler(world.deps) };
}

describe('events handler on malformed input (property-based)', () => {
  it('rejects every bad record, enqueues every good one once, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(recordItems, async (all) => {
        const { events, enqueue, metrics } = setup();
        const event = { Records: all.map((item) => item.record) };
        const good = withOutcome(all, 'enqueued');

        const report = await events(event);

        expect(report.enqueued.map((entry) => entry.source)).toEqual(good.map((item) => item.source));
        expect(report.rejected.map((entry) => entry.source)).toEqual(
          withOutcome(all, 'rejected').map((item) => item.source),
        );
        expect(report.ignored).toHaveLength(withOutcome(all, 'ignored').length);
        expect(report.enqueued.every((entry) => !entry.duplicate)).toBe(true);
        const keys = enqueue.stored.map((stored) => stored.idempotencyKey);
        expect(new Set(keys).size).toBe(good.length);
        const objectKeys = enqueue.stored
          .filter((stored) => stored.type === 'object-created')
          .map((stored) => (stored.payload as { key: string }).key);
        expect(objectKeys).toEqual(good.flatMap((item) => item.objectKey ?? []));

        const redelivered = await events(event);
        expect(redelivered.enqueued.every((entry) => entry.duplicate)).toBe(true);
        expect(enqueue.stored).toHaveLength(good.length);
        expect(metrics.flushes()).toBe(2);
      }),
      { numRuns: 200 },
    );
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it('gives SNS messages without a MessageId keys of their content: distinct ones never share one', async () => {
    const message = fc.record({
      topic: fc.constantFrom(MAPPED_TOPIC, 'refunds'),
      timestamp: fc.option(fc.constantFrom('2030-01-01T00:00:00.000Z', '2030-01-01T00:00:01.000Z'), {
        nil: undefined,
      }),
      text: fc.constantFrom('hello', 'hello ', '', '{"a":1}', '","', 'x'.repeat(1000)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 15 }), async (messages) => {
        const world = fakeTriggerDeps({
          mapping: { snsTopicTaskTypes: { [MAPPED_TOPIC]: 'record', refunds: 'record' } },
        });
        const events = createEventsHandler(world.deps);
        const records = messages.map(({ topic, timestamp, text }) =>
          withField(snsRecord(text, { topic }), ['Sns', 'Timestamp'], timestamp ?? removed),
        );

        const report = await events({ Records: records });

        const distinct = new Set(messages.map((m) => JSON.stringify([m.topic, m.timestamp ?? null, m.text])));
        expect(report.rejected).toEqual([]);
        expect(report.enqueued.filter((entry) => !entry.duplicate)).toHaveLength(distinct.size);
        const keys = world.enqueue.stored.map((stored) => stored.idempotencyKey);
        expect(new Set(keys).size).toBe(distinct.size);
        for (const key of keys) expect(key).toMatch(/^sns:sha256:[0-9a-f]{64}$/);
      }),
      { numRuns: 200 },
    );
  });
});
