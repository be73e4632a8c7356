import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventsHandler, createScheduleHandler } from '../../../lib/triggers/index.js';
import { eventBridgeEvent } from '../../support/lambda-events.js';
import { removed, withField } from '../../support/with-field.js';
import { fakeTriggerDeps } from '../fakes/fake-trigger-deps.js';
import { huge } from './record-arbitraries.js';

/** EventBridge events with one field made wrong; each must be rejected. */
const badEventBridge = fc.oneof(
  fc
    .constantFrom(removed, null, 5, '', 'e'.repeat(300))
    .map((id) => withField(eventBridgeEvent({ tandem: { type: 'record' } }), ['id'], id)),
  fc
    .constantFrom<unknown>(
      null,
      [],
      'text',
      {},
      { tandem: null },
      { tandem: [] },
      { tandem: 'x' },
      { tandem: { type: 'no-such-type' } },
      { tandem: { type: 'record', delaySeconds: -1 } },
      { tandem: { type: 'record', payload: { big: huge }, idempotencyKey: 'k'.repeat(300) } },
    )
    .map((detail) => eventBridgeEvent(detail)),
  fc
    .constantFrom<[string[], unknown]>(
      [['eventId'], 5],
      [['eventId'], ''],
      [['eventId'], huge],
      [['task'], null],
      [['task'], []],
      [['task'], { type: 'nope' }],
      [['extra'], 1],
    )
    .map(([path, value]) => withField({ eventId: 'e-1', task: { type: 'record' } }, path, value)),
  fc
    .anything({ maxDepth: 3 })
    .filter((value) => !(typeof value === 'object' && value !== null && 'Records' in value)),
);

describe('events handler on malformed whole events (property-based)', () => {
  it('rejects each one with a report entry, stores nothing, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(badEventBridge, async (event) => {
        const { deps, enqueue, metrics } = fakeTriggerDeps();
        const events = createEventsHandler(deps);
        const report = await events(event);
        expect(report.enqueued).toEqual([]);
        expect(report.ignored).toEqual([]);
        expect(report.rejected).toHaveLength(1);
        expect(report.rejected[0]?.eventId.length).toBeLessThanOrEqual(201);
        expect(enqueue.stored).toEqual([]);
        expect(metrics.flushes()).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('schedule handler on malformed input (property-based)', () => {
  const valid = { schedule: 'nightly', time: '2030-01-01T03:00:00Z', task: { type: 'record', payload: 1 } };
  const badInput = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc
      .constantFrom<[string[], unknown]>(
        [['schedule'], removed],
        [['schedule'], ''],
        [['schedule'], huge],
        [['time'], 'yesterday'],
        [['time'], '2030-02-30T00:00:00Z'],
        [['time'], 0],
        [['task'], null],
        [['task'], { type: 'no-such-type' }],
        [['task'], { type: 'record', payload: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) }],
        [['extra'], true],
      )
      .map(([path, value]) => withField(valid, path, value)),
  );

  it('refuses every bad input with a code, stores nothing, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(badInput, async (input) => {
        const world = fakeTriggerDeps();
        const result = await createScheduleHandler(world.deps)(input);
        expect(result.enqueued).toBe(false);
        if (!result.enqueued) expect(['invalid_schedule_input', 'invalid_task']).toContain(result.error.code);
        expect(world.enqueue.stored).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
