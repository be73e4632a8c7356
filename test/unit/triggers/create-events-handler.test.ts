import { describe, expect, it } from 'vitest';
import { EnqueueUnavailableError } from '../../../lib/queue/errors.js';
import { createEventsHandler, type TriggerDeps } from '../../../lib/triggers/index.js';
import { eventBridgeEvent, s3Event, s3Record, snsEvent } from '../../support/lambda-events.js';
import { fakeTriggerDeps } from '../fakes/fake-trigger-deps.js';

const task = (payload: unknown) => JSON.stringify({ type: 'record', payload });

function setup() {
  const world = fakeTriggerDeps({ mapping: { s3TaskType: 'object-created' } });
  return { ...world, events: createEventsHandler(world.deps) };
}

describe('events handler', () => {
  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['an array', [eventBridgeEvent({ tandem: { type: 'record' } })]],
    ['an object of no known source', { hello: 'world' }],
    ['Records that is not an array', { Records: { 0: {} } }],
    ['a lone SNS record outside Records', snsEvent([{ message: task(1) }]).Records[0]],
  ])('rejects %s as unsupported_event', async (_name, event) => {
    const { events, enqueue, logger, metrics } = setup();
    const report = await events(event);
    expect(report).toEqual({
      enqueued: [],
      rejected: [expect.objectContaining({ source: 'unknown', code: 'unsupported_event' })],
      ignored: [],
    });
    expect(logger.lines).toEqual([expect.objectContaining({ message: 'event rejected; nothing enqueued' })]);
    expect(metrics.added).toEqual([
      expect.objectContaining({ name: 'TriggerRejected', value: 1, dimensions: { trigger: 'unknown' } }),
    ]);
    expect(enqueue.stored).toEqual([]);
  });

  it('rejects each record of no known source by position, and enqueues the good ones', async () => {
    const { events, enqueue } = setup();
    const [sns] = snsEvent([{ message: task('sns') }]).Records;
    const report = await events({
      Records: [null, 7, 'x', [], { eventSource: 'aws:kinesis' }, eventBridgeEvent({ tandem: {} }), sns],
    });
    expect(report.rejected.map((item) => [item.eventId, item.code])).toEqual([
      ['record 0', 'unsupported_record'],
      ['record 1', 'unsupported_record'],
      ['record 2', 'unsupported_record'],
      ['record 3', 'unsupported_record'],
      ['record 4', 'unsupported_record'],
      ['record 5', 'unsupported_record'],
    ]);
    expect(report.enqueued).toEqual([expect.objectContaining({ source: 'sns' })]);
    expect(enqueue.stored.map((stored) => stored.payload)).toEqual(['sns']);
  });

  it('takes SNS and S3 records side by side, each to its own processor', async () => {
    const { events, enqueue } = setup();
    const [sns] = snsEvent([{ message: task('sns') }]).Records;
    const report = await events({ Records: [sns, s3Record({ key: 'a.txt' })] });
    expect(report.enqueued.map((item) => item.source)).toEqual(['sns', 's3']);
    expect(enqueue.stored).toHaveLength(2);
  });

  it('counts what it enqueued and rejected per source, and flushes once per invocation', async () => {
    const { events, metrics } = setup();
    await events(snsEvent([{ message: task(1) }, { message: task(2) }, { message: 'not a task' }]));
    await events(s3Event([s3Record({ key: '%zz' })]));
    const count = (name: string, trigger: string) =>
      metrics.added.filter((metric) => metric.name === name && metric.dimensions.trigger === trigger).length;
    expect([
      count('TriggerEnqueued', 'sns'),
      count('TriggerRejected', 'sns'),
      count('TriggerRejected', 's3'),
    ]).toEqual([2, 1, 1]);
    expect(metrics.flushes()).toBe(2);
  });

  it('throws when no queue accepts a task; a retry enqueues the rest and dedupes what was stored', async () => {
    const world = fakeTriggerDeps();
    let calls = 0;
    const deps: TriggerDeps = {
      ...world.deps,
      enqueue: (input) => {
        calls += 1;
        if (calls === 2) return Promise.reject(new EnqueueUnavailableError(1, [], false));
        return world.enqueue.enqueue(input);
      },
    };
    const events = createEventsHandler(deps);
    const event = snsEvent([{ message: task(1) }, { message: task(2) }, { message: task(3) }]);

    await expect(events(event)).rejects.toBeInstanceOf(EnqueueUnavailableError);
    expect(world.metrics.flushes()).toBe(1);
    expect(world.enqueue.stored).toHaveLength(1);

    const retry = await events(event);
    expect(retry.enqueued.map((item) => item.duplicate)).toEqual([true, false, false]);
    expect(world.enqueue.stored.map((stored) => stored.payload)).toEqual([1, 2, 3]);
  });

  it('throws any other error of enqueue as it is: only validation is a rejection', async () => {
    const world = fakeTriggerDeps();
    const bug = new Error('script bug');
    const events = createEventsHandler({ ...world.deps, enqueue: () => Promise.reject(bug) });
    await expect(events(snsEvent([{ message: task(1) }]))).rejects.toBe(bug);
  });
});
