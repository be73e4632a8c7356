import { describe, expect, it } from 'vitest';
import { createEventsHandler } from '../../../lib/triggers/index.js';
import { eventBridgeEvent, renderInputTransformer } from '../../support/lambda-events.js';
import { fakeTriggerDeps } from '../fakes/fake-trigger-deps.js';

function setup() {
  const world = fakeTriggerDeps();
  return { ...world, events: createEventsHandler(world.deps) };
}

describe('EventBridge processor', () => {
  it('enqueues detail.tandem once per event id, keyed eventbridge:<id>', async () => {
    const { events, enqueue } = setup();
    const event = eventBridgeEvent({ tandem: { type: 'record', payload: { order: 7 } } });

    const first = await events(event);
    const redelivered = await events(event);

    expect(first).toEqual({
      enqueued: [expect.objectContaining({ source: 'eventbridge', eventId: event.id, duplicate: false })],
      rejected: [],
      ignored: [],
    });
    expect(redelivered.enqueued).toEqual([
      expect.objectContaining({ id: first.enqueued[0]?.id, duplicate: true }),
    ]);
    expect(enqueue.stored).toEqual([
      expect.objectContaining({ idempotencyKey: `eventbridge:${event.id}`, payload: { order: 7 } }),
    ]);
  });

  it("keeps the task's own idempotency key", async () => {
    const { events, enqueue } = setup();
    await events(eventBridgeEvent({ tandem: { type: 'record', idempotencyKey: 'order-7' } }));
    await events(eventBridgeEvent({ tandem: { type: 'record', idempotencyKey: 'order-7' } }));
    expect(enqueue.stored.map((task) => task.idempotencyKey)).toEqual(['order-7']);
  });

  it('maps what an input transformer renders, keyed by its eventId', async () => {
    const { events, enqueue } = setup();
    const source = eventBridgeEvent(
      { orderId: 'o-1' },
      { source: 'shop.orders', detailType: 'Order Placed' },
    );
    const rendered = renderInputTransformer(
      {
        InputPathsMap: { id: '$.id', orderId: '$.detail.orderId' },
        InputTemplate: '{"eventId":"<id>","task":{"type":"record","payload":{"orderId":"<orderId>"}}}',
      },
      source as unknown as Record<string, unknown>,
    );

    const report = await events(rendered);

    expect(report.enqueued).toEqual([expect.objectContaining({ source: 'eventbridge', eventId: source.id })]);
    expect(enqueue.byKey(`eventbridge:${source.id}`)?.payload).toEqual({ orderId: 'o-1' });
  });

  it.each([
    ['no detail.tandem', { orderId: 'o-1' }],
    ['a null detail', null],
    ['detail.tandem an array', { tandem: [{ type: 'record' }] }],
    ['detail.tandem a string', { tandem: '{"type":"record"}' }],
  ])('rejects an event with %s as no_task', async (_name, detail) => {
    const { events, enqueue } = setup();
    const event = eventBridgeEvent(detail);
    const report = await events(event);
    expect(report.rejected).toEqual([
      expect.objectContaining({ source: 'eventbridge', eventId: event.id, code: 'no_task' }),
    ]);
    expect(enqueue.stored).toEqual([]);
  });

  it.each([
    ['a numeric id', 42, '42'],
    ['an empty id', '', ''],
    ['an id longer than 200 characters', 'e'.repeat(5000), expect.stringMatching(/^e{200}…$/)],
    ['no id', undefined, ''],
  ])('rejects an event with %s as invalid_event', async (_name, id, eventId) => {
    const { events, enqueue } = setup();
    const event: Record<string, unknown> = { ...eventBridgeEvent({ tandem: { type: 'record' } }), id };
    const report = await events(event);
    expect(report.rejected).toEqual([
      expect.objectContaining({ source: 'eventbridge', eventId, code: 'invalid_event' }),
    ]);
    expect(enqueue.stored).toEqual([]);
  });

  it.each([
    ['an extra key', { eventId: 'e-1', task: { type: 'record' }, extra: 1 }],
    ['a numeric eventId', { eventId: 7, task: { type: 'record' } }],
    ['a task that is not an object', { eventId: 'e-1', task: 'record' }],
    ['a null task', { eventId: 'e-1', task: null }],
  ])('rejects a transformed event with %s as invalid_event', async (_name, event) => {
    const { events, enqueue } = setup();
    const report = await events(event);
    expect(report.rejected).toEqual([
      expect.objectContaining({ source: 'eventbridge', code: 'invalid_event' }),
    ]);
    expect(enqueue.stored).toEqual([]);
  });

  it('rejects a task that fails validation as invalid_task, with the issues', async () => {
    const { events, enqueue } = setup();
    const report = await events(
      eventBridgeEvent({ tandem: { type: 'send-email', payload: { to: 'nobody' } } }),
    );
    expect(report.rejected).toEqual([
      expect.objectContaining({
        code: 'invalid_task',
        issues: expect.arrayContaining([expect.objectContaining({ path: ['payload', 'to'] })]),
      }),
    ]);
    expect(enqueue.stored).toEqual([]);
  });
});
