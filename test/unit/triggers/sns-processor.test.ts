import type { SNSEventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createEventsHandler } from '../../../lib/triggers/index.js';
import { snsEvent } from '../../support/lambda-events.js';
import { fakeTriggerDeps } from '../fakes/fake-trigger-deps.js';

function setup(snsTopicTaskTypes: Record<string, string> = {}) {
  const world = fakeTriggerDeps({ mapping: { snsTopicTaskTypes } });
  return { ...world, events: createEventsHandler(world.deps) };
}

const task = (payload: unknown) => JSON.stringify({ type: 'record', payload });

/** One SNS record, with `change` applied to its `Sns` part (delete a field, give it a wrong type). */
function snsRecord(
  message: string,
  change: (sns: Record<string, unknown>) => void = () => {},
): SNSEventRecord {
  const [record] = snsEvent([{ message }]).Records;
  if (!record) throw new Error('no record');
  change(record.Sns as unknown as Record<string, unknown>);
  return record;
}

describe('SNS processor', () => {
  it('enqueues a message that is a task, keyed sns:<MessageId>, once', async () => {
    const { events, enqueue } = setup();
    const event = snsEvent([{ message: task({ n: 1 }), messageId: 'm-1' }]);

    const first = await events(event);
    const again = await events(event);

    expect(first.enqueued).toEqual([
      expect.objectContaining({ source: 'sns', eventId: 'm-1', duplicate: false }),
    ]);
    expect(again.enqueued).toEqual([expect.objectContaining({ id: first.enqueued[0]?.id, duplicate: true })]);
    expect(enqueue.stored).toEqual([
      expect.objectContaining({ idempotencyKey: 'sns:m-1', payload: { n: 1 } }),
    ]);
  });

  it('maps a listed topic, by name or by ARN, to its type with the message as payload', async () => {
    const { events, enqueue } = setup({
      orders: 'record',
      'arn:aws:sns:us-east-1:123456789012:refunds': 'record',
    });
    const report = await events(
      snsEvent([
        { topic: 'orders', message: '{"orderId":"o-9"}' },
        { topic: 'orders', message: 'plain text' },
        { topic: 'refunds', message: '[1,2]' },
      ]),
    );
    expect(report.rejected).toEqual([]);
    expect(enqueue.stored.map((stored) => stored.payload)).toEqual([
      { orderId: 'o-9' },
      'plain text',
      [1, 2],
    ]);
  });

  it.each(['constructor', '__proto__', 'hasOwnProperty'])(
    'does not take a topic named %s for a mapped one',
    async (topic) => {
      const { events } = setup({ orders: 'record' });
      const report = await events(snsEvent([{ topic, message: 'plain text' }]));
      expect(report.rejected).toEqual([expect.objectContaining({ code: 'invalid_message' })]);
    },
  );

  it.each([
    ['not JSON', 'this is not JSON'],
    ['a JSON array', '[{"type":"record"}]'],
    ['a JSON number', '5'],
  ])('rejects a message that is %s, from an unmapped topic, as invalid_message', async (_name, message) => {
    const { events, enqueue } = setup();
    const report = await events(snsEvent([{ message, messageId: 'm-2' }]));
    expect(report.rejected).toEqual([
      expect.objectContaining({ source: 'sns', eventId: 'm-2', code: 'invalid_message' }),
    ]);
    expect(enqueue.stored).toEqual([]);
  });

  it.each<[string, (sns: Record<string, unknown>) => void]>([
    ['no TopicArn', (sns) => delete sns.TopicArn],
    ['no Message', (sns) => delete sns.Message],
    ['a numeric Message', (sns) => (sns.Message = 7)],
    ['a null TopicArn', (sns) => (sns.TopicArn = null)],
    ['a numeric MessageId', (sns) => (sns.MessageId = 12)],
    ['a MessageId too long for a key', (sns) => (sns.MessageId = 'm'.repeat(300))],
    ['a numeric Timestamp', (sns) => (sns.Timestamp = 1)],
  ])('rejects a record with %s as invalid_record; its sibling enqueues', async (_name, change) => {
    const { events, enqueue } = setup();
    const bad = snsRecord(task({ bad: true }), change);
    const good = snsRecord(task({ good: true }));

    const report = await events({ Records: [bad, good] });

    expect(report.rejected).toEqual([expect.objectContaining({ source: 'sns', code: 'invalid_record' })]);
    expect(report.enqueued).toEqual([expect.objectContaining({ eventId: good.Sns.MessageId })]);
    expect(enqueue.stored.map((stored) => stored.payload)).toEqual([{ good: true }]);
  });

  it('rejects a record without Sns, labelled by its position', async () => {
    const { events } = setup();
    const report = await events({ Records: [{ EventSource: 'aws:sns' }] });
    expect(report.rejected).toEqual([
      expect.objectContaining({ source: 'sns', eventId: 'record 0', code: 'invalid_record' }),
    ]);
  });

  describe('a record without MessageId', () => {
    const withoutId = (message: string, timestamp = '2030-01-01T00:00:00.000Z') =>
      snsRecord(message, (sns) => {
        delete sns.MessageId;
        sns.Timestamp = timestamp;
      });

    it('gets a key of its own content, so different messages never share one', async () => {
      const { events, enqueue } = setup();
      const report = await events({
        Records: [
          withoutId(task({ n: 1 })),
          withoutId(task({ n: 2 })),
          withoutId(task({ n: 1 }), '2030-01-01T00:00:01.000Z'),
        ],
      });
      expect(report.enqueued.map((item) => item.duplicate)).toEqual([false, false, false]);
      const keys = enqueue.stored.map((stored) => stored.idempotencyKey);
      expect(new Set(keys).size).toBe(3);
      for (const key of keys) expect(key).toMatch(/^sns:sha256:[0-9a-f]{64}$/);
    });

    it('dedupes a redelivery of the same message', async () => {
      const { events, enqueue } = setup();
      const first = await events({ Records: [withoutId(task({ n: 1 }))] });
      const again = await events({ Records: [withoutId(task({ n: 1 }))] });
      expect(again.enqueued).toEqual([
        expect.objectContaining({ id: first.enqueued[0]?.id, duplicate: true }),
      ]);
      expect(enqueue.stored).toHaveLength(1);
    });

    it('treats an empty MessageId as none', async () => {
      const { events, enqueue } = setup();
      await events({ Records: [snsRecord(task({ n: 1 }), (sns) => (sns.MessageId = ''))] });
      expect(enqueue.stored[0]?.idempotencyKey).toMatch(/^sns:sha256:/);
    });
  });
});
