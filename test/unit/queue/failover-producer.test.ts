import { describe, expect, it } from 'vitest';
import {
  EnqueueUnavailableError,
  QueueLogicError,
  QueueTimeoutError,
  QueueUnavailableError,
} from '../../../lib/queue/errors.js';
import { type FailoverEvent, FailoverProducer } from '../../../lib/queue/failover/failover-producer.js';
import { RedisGuard } from '../../../lib/queue/guard/redis-guard.js';
import { makeEnvelope } from '../../support/envelopes.js';
import { accepts, behindGuard, FakeTaskSink, hangs, throws } from '../fakes/fake-task-sink.js';
import { ManualClock } from '../fakes/manual-clock.js';

const COOLDOWN_MS = 2000;

function setup({
  failureThreshold = 3,
  retryAfterSeconds,
}: {
  failureThreshold?: number;
  retryAfterSeconds?: number;
} = {}) {
  const clock = new ManualClock();
  const primary = new FakeTaskSink('redis');
  const fallback = new FakeTaskSink('sqs');
  const breaker = new RedisGuard({
    failureThreshold,
    cooldownMs: COOLDOWN_MS,
    clock: clock.now,
    timeoutMs: 20,
  });
  const events: FailoverEvent[] = [];
  const producer = new FailoverProducer({
    primary: behindGuard(primary, breaker),
    fallback,
    fallbackTimeoutMs: 50,
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    onEvent: (event) => events.push(event),
  });
  return { clock, primary, fallback, breaker, producer, events };
}

const redisDown = () => new QueueUnavailableError('redis enqueue: fetch failed', 'redis');
const sqsDown = () => new QueueUnavailableError('sqs enqueue: connect ECONNREFUSED', 'sqs');

describe('FailoverProducer', () => {
  it('stores in the primary and passes its wake-up hint through', async () => {
    const { primary, fallback, producer } = setup();
    primary.behaviour = accepts(true);
    const tasks = [makeEnvelope(), makeEnvelope()];
    const result = await producer.enqueue(tasks);
    expect(result).toEqual({
      receipts: tasks.map((task) => ({ id: task.id, state: 'queued', duplicate: false, via: 'redis' })),
      wakeConsumer: true,
    });
    expect(primary.stored.map((task) => task.id)).toEqual(tasks.map((task) => task.id));
    expect(fallback.calls).toHaveLength(0);

    primary.behaviour = accepts(false);
    expect((await producer.enqueue([makeEnvelope()])).wakeConsumer).toBe(false);
  });

  it('falls back to SQS when the primary is unavailable, marking the tasks as sent via SQS', async () => {
    const { primary, fallback, producer, events } = setup();
    primary.behaviour = throws(redisDown());
    const tasks = [makeEnvelope(), makeEnvelope()];
    const result = await producer.enqueue(tasks);
    expect(result.receipts.map((receipt) => [receipt.id, receipt.via])).toEqual(
      tasks.map((task) => [task.id, 'sqs']),
    );
    expect(result.wakeConsumer).toBe(false);
    expect(fallback.stored.map((task) => [task.id, task.enqueuedVia])).toEqual(
      tasks.map((task) => [task.id, 'sqs']),
    );
    expect(fallback.stored[0]).toEqual({ ...tasks[0], enqueuedVia: 'sqs' });
    // The caller's envelopes are not rewritten under it.
    expect(tasks.map((task) => task.enqueuedVia)).toEqual(['redis', 'redis']);
    expect(primary.stored).toHaveLength(0);
    expect(events).toEqual([{ kind: 'failover', reason: 'redis enqueue: fetch failed', tasks: 2 }]);
  });

  it('falls back when the primary reports a timeout, and opens the breaker at once', async () => {
    const { primary, fallback, producer, breaker } = setup();
    primary.behaviour = throws(new QueueTimeoutError('redis enqueue timed out', 'redis'));
    const [receipt] = (await producer.enqueue([makeEnvelope()])).receipts;
    expect(receipt?.via).toBe('sqs');
    expect(fallback.stored).toHaveLength(1);
    expect(breaker.state).toBe('open');
  });

  it('throws a logic error as it is and never tries the fallback', async () => {
    const { primary, fallback, producer, breaker, events } = setup();
    const logic = new QueueLogicError('redis enqueue: ERR bad script', 'redis');
    primary.behaviour = throws(logic);
    await expect(producer.enqueue([makeEnvelope()])).rejects.toBe(logic);
    expect(fallback.calls).toHaveLength(0);
    expect(events).toEqual([]);
    // Redis answered, if only to say no: that is no reason to skip it, however often it happens.
    for (let i = 0; i < 5; i++) await expect(producer.enqueue([makeEnvelope()])).rejects.toBe(logic);
    expect(primary.calls).toHaveLength(6);
    expect(breaker.state).toBe('closed');
  });

  it('throws EnqueueUnavailableError when both refuse, and reports nothing as stored', async () => {
    const { primary, fallback, producer, events } = setup({ retryAfterSeconds: 7 });
    primary.behaviour = throws(redisDown());
    fallback.behaviour = throws(sqsDown());
    const error = await producer.enqueue([makeEnvelope()]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnqueueUnavailableError);
    expect(error).toMatchObject({ retryAfterSeconds: 7, maybeStored: false });
    expect(primary.stored).toHaveLength(0);
    expect(fallback.stored).toHaveLength(0);
    expect(events.map((event) => event.kind)).toEqual(['failover', 'unavailable']);
  });

  it('defaults Retry-After to one second', async () => {
    const { primary, fallback, producer } = setup();
    primary.behaviour = throws(redisDown());
    fallback.behaviour = throws(sqsDown());
    await expect(producer.enqueue([makeEnvelope()])).rejects.toMatchObject({ retryAfterSeconds: 1 });
  });

  it('treats a fallback logic error as unavailable too: nothing was acknowledged', async () => {
    const { primary, fallback, producer } = setup();
    primary.behaviour = throws(redisDown());
    fallback.behaviour = throws(new QueueLogicError('sqs enqueue: InvalidParameterValue', 'sqs'));
    await expect(producer.enqueue([makeEnvelope()])).rejects.toBeInstanceOf(EnqueueUnavailableError);
  });

  it('cuts off a primary that never answers and stores via SQS', async () => {
    const { primary, fallback, producer, breaker } = setup();
    primary.behaviour = hangs();
    const task = makeEnvelope();
    const result = await producer.enqueue([task]);
    expect(result.receipts).toEqual([{ id: task.id, state: 'queued', duplicate: false, via: 'sqs' }]);
    expect(fallback.stored.map((stored) => stored.id)).toEqual([task.id]);
    expect(breaker.state).toBe('open');
  });

  it('gives up on a fallback that never answers instead of waiting for ever', async () => {
    const { primary, fallback, producer } = setup();
    primary.behaviour = throws(redisDown());
    fallback.behaviour = hangs();
    const task = makeEnvelope();
    const error = await producer.enqueue([task]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnqueueUnavailableError);
    // The request that timed out may land later: the caller is told so, with the id to retry with.
    expect(error).toMatchObject({ ids: [task.id], maybeStored: true });
  });

  it('stops calling the primary once the breaker opens, and probes it once after the cooldown', async () => {
    const { primary, fallback, producer, clock } = setup({ failureThreshold: 3 });
    primary.behaviour = throws(redisDown());
    for (let i = 0; i < 3; i++) await producer.enqueue([makeEnvelope()]);
    expect(primary.calls).toHaveLength(3);

    for (let i = 0; i < 5; i++) {
      const [receipt] = (await producer.enqueue([makeEnvelope()])).receipts;
      expect(receipt?.via).toBe('sqs');
    }
    expect(primary.calls).toHaveLength(3);
    expect(fallback.stored).toHaveLength(8);

    // Redis is back; after the cooldown one request finds out, and traffic returns.
    primary.behaviour = accepts();
    clock.advance(COOLDOWN_MS);
    const vias = [];
    for (let i = 0; i < 3; i++) vias.push((await producer.enqueue([makeEnvelope()])).receipts[0]?.via);
    expect(vias).toEqual(['redis', 'redis', 'redis']);
    expect(primary.calls).toHaveLength(6);
  });

  it('sends only one probe while it is in flight; the others go straight to SQS', async () => {
    const { primary, producer, clock } = setup();
    primary.behaviour = throws(new QueueTimeoutError('redis enqueue timed out', 'redis'));
    await producer.enqueue([makeEnvelope()]);
    expect(primary.calls).toHaveLength(1);

    primary.behaviour = hangs();
    clock.advance(COOLDOWN_MS);
    const results = await Promise.all([
      producer.enqueue([makeEnvelope()]),
      producer.enqueue([makeEnvelope()]),
      producer.enqueue([makeEnvelope()]),
    ]);
    expect(primary.calls).toHaveLength(2);
    expect(results.map((result) => result.receipts[0]?.via)).toEqual(['sqs', 'sqs', 'sqs']);
  });
});
