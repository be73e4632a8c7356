import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventsHandler } from '../../../lib/triggers/index.js';
import { s3Event, s3Record } from '../../support/lambda-events.js';
import { removed, withField } from '../../support/with-field.js';
import { fakeTriggerDeps } from '../fakes/fake-trigger-deps.js';

function setup(mapping: { s3TaskType: string | undefined } = { s3TaskType: 'object-created' }) {
  const world = fakeTriggerDeps({ mapping });
  return { ...world, events: createEventsHandler(world.deps) };
}

const keyHash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

describe('S3 processor', () => {
  it('enqueues an object creation with { bucket, key, size, eTag }, key decoded, once per sequencer', async () => {
    const { events, enqueue } = setup();
    const created = s3Record({ key: 'photos/my+cat%21.jpg', size: 2048, sequencer: '0A1' });

    const report = await events(s3Event([created]));
    const again = await events(s3Event([created]));

    expect(report.enqueued).toEqual([
      expect.objectContaining({ source: 's3', eventId: 'uploads/photos/my cat!.jpg@0A1', duplicate: false }),
    ]);
    expect(again.enqueued[0]).toMatchObject({ id: report.enqueued[0]?.id, duplicate: true });
    expect(enqueue.stored).toEqual([
      expect.objectContaining({
        type: 'object-created',
        idempotencyKey: `s3:uploads:${keyHash('photos/my cat!.jpg')}:0A1`,
        payload: {
          bucket: 'uploads',
          key: 'photos/my cat!.jpg',
          size: 2048,
          eTag: 'd41d8cd98f00b204e9800998ecf8427e',
        },
      }),
    ]);
  });

  it('a new sequencer of the same key is a new task', async () => {
    const { events, enqueue } = setup();
    await events(
      s3Event([s3Record({ key: 'a.txt', sequencer: '01' }), s3Record({ key: 'a.txt', sequencer: '02' })]),
    );
    expect(enqueue.stored).toHaveLength(2);
  });

  it('ignores other records and the test event', async () => {
    const { events, enqueue } = setup();
    const removed = await events(s3Event([s3Record({ key: 'old.jpg', eventName: 'ObjectRemoved:Delete' })]));
    const test = await events({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2030-01-01T00:00:00.000Z',
      Bucket: 'uploads',
      RequestId: 'R-1',
      HostId: 'H',
    });
    expect(removed.ignored).toEqual([
      expect.objectContaining({ source: 's3', eventId: 'uploads/old.jpg@0055AED6DCD90281E5' }),
    ]);
    expect(test.ignored).toEqual([{ source: 's3', eventId: 'R-1', reason: 's3 test event' }]);
    expect([...removed.rejected, ...test.rejected]).toEqual([]);
    expect(enqueue.stored).toEqual([]);
  });

  it('rejects object creations as not_configured while S3_TASK_TYPE is unset', async () => {
    const { events } = setup({ s3TaskType: undefined });
    const report = await events(s3Event([s3Record({ key: 'a.txt' })]));
    expect(report.rejected).toEqual([expect.objectContaining({ source: 's3', code: 'not_configured' })]);
  });

  it.each(['100%', '%zz', 'a%2', '%E0%A4%A', '%ED%A0%80', '%FF'])(
    'rejects the key %s (not URL-encoded UTF-8) as invalid_record; its sibling enqueues',
    async (key) => {
      const { events, enqueue } = setup();
      const report = await events(s3Event([s3Record({ key }), s3Record({ key: 'good.txt' })]));
      expect(report.rejected).toEqual([
        expect.objectContaining({ source: 's3', eventId: `uploads/${key}`, code: 'invalid_record' }),
      ]);
      expect(report.rejected[0]?.message).toMatch(/s3\.object\.key: not a URL-encoded object key/);
      expect(enqueue.stored.map((stored) => (stored.payload as { key: string }).key)).toEqual(['good.txt']);
    },
  );

  const noTime = withField(s3Record({ key: 'bad.txt' }), ['eventTime'], removed);
  it.each([
    ['no object', withField(s3Record({ key: 'bad.txt' }), ['s3', 'object'], removed)],
    ['no bucket', withField(s3Record({ key: 'bad.txt' }), ['s3', 'bucket'], removed)],
    ['no s3', withField(s3Record({ key: 'bad.txt' }), ['s3'], removed)],
    ['a null object', withField(s3Record({ key: 'bad.txt' }), ['s3', 'object'], null)],
    [
      'an object key that is not a string',
      withField(s3Record({ key: 'bad.txt' }), ['s3', 'object', 'key'], 12),
    ],
    ['an empty object key', s3Record({ key: '' })],
    ['an object key of 10 000 characters', s3Record({ key: 'k'.repeat(10_000) })],
    ['a size that is a string', withField(s3Record({ key: 'bad.txt' }), ['s3', 'object', 'size'], '2048')],
    ['no eventName', withField(s3Record({ key: 'bad.txt' }), ['eventName'], removed)],
    ['neither sequencer nor eventTime', withField(noTime, ['s3', 'object', 'sequencer'], removed)],
  ])('rejects a record with %s as invalid_record; its sibling enqueues', async (_name, bad) => {
    const { events, enqueue } = setup();
    const report = await events(s3Event([bad, s3Record({ key: 'good.txt' })]));
    expect(report.rejected).toEqual([expect.objectContaining({ source: 's3', code: 'invalid_record' })]);
    expect(report.enqueued).toHaveLength(1);
    expect(enqueue.stored.map((stored) => (stored.payload as { key: string }).key)).toEqual(['good.txt']);
  });

  it('without a sequencer, the eTag and event time stand in', async () => {
    const { events, enqueue } = setup();
    const record = withField(s3Record({ key: 'a.txt' }), ['s3', 'object', 'sequencer'], removed);
    await events(s3Event([record]));
    expect(enqueue.stored[0]?.idempotencyKey).toBe(
      `s3:uploads:${keyHash('a.txt')}:d41d8cd98f00b204e9800998ecf8427e:${record.eventTime}`,
    );
  });
});
