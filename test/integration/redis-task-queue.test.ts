import { randomBytes } from 'node:crypto';
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueueLogicError } from '../../lib/queue/errors.js';
import { createRedisClient } from '../../lib/queue/redis/create-redis-client.js';
import { ioredisTransport } from '../../lib/queue/redis/ioredis-transport.js';
import { RedisTaskQueue } from '../../lib/queue/redis/redis-task-queue.js';
import type { RedisTaskQueueOptions } from '../../lib/queue/redis/redis-task-queue-options.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import { makeEnvelope as makeAnyEnvelope } from '../support/envelopes.js';
import { type RedisStack, startRedisStack } from '../support/redis-stack.js';

let stack: RedisStack;
let queue: RedisTaskQueue;
const clock = { now: Date.now() };

beforeAll(async () => {
  stack = await startRedisStack();
});
afterAll(async () => {
  await stack?.stop();
});
let tcp: IORedis;
beforeAll(() => {
  tcp = new IORedis(stack.server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
});
afterAll(() => {
  tcp?.disconnect();
});

/** The same contract, over both transports: HTTP through the Upstash client, and TCP through ioredis. */
const transports: [string, () => RedisTaskQueueOptions['redis']][] = [
  [
    'upstash REST',
    () => createRedisClient({ url: stack.bridge.url, token: stack.bridge.token, timeoutMs: 2_000 }),
  ],
  ['ioredis TCP', () => ioredisTransport(tcp)],
];

/** Envelopes on the test's clock, so "now" means the same to the test and to the scripts. */
const makeEnvelope = (overrides: Partial<TaskEnvelope> = {}) =>
  makeAnyEnvelope({ runAt: clock.now, createdAt: clock.now, ...overrides });

const claimAll = (max = 1000, leaseMs = 30_000) =>
  queue.claim({ max, leaseMs, consumerId: 'test-consumer', slotTtlMs: 60_000 });

describe.each(transports)('RedisTaskQueue over %s', (_transport, makeTransport) => {
  beforeEach(async () => {
    clock.now = Date.now();
    queue = new RedisTaskQueue({
      redis: makeTransport(),
      queueName: `q-${randomBytes(4).toString('hex')}`,
      idempotencyTtlMs: 60_000,
      resultTtlMs: 60_000,
      clock: () => clock.now,
    });
  });

  describe('enqueue', () => {
    it('stores a task that can be claimed and read back', async () => {
      const task = makeEnvelope({ payload: { hello: 'wörld ✓' } });
      const result = await queue.enqueue([task]);
      expect(result.outcomes).toEqual([{ id: task.id, state: 'queued', duplicate: false }]);
      expect(result.wakeConsumer).toBe(true);
      expect((await queue.status(task.id))?.state).toBe('queued');

      const lease = await claimAll();
      expect(lease.tasks).toEqual([{ ...task, attempt: 1 }]);
      expect((await queue.status(task.id))?.state).toBe('running');
    });

    it('asks for a wake-up only when no consumer holds the slot', async () => {
      expect((await queue.enqueue([makeEnvelope()])).wakeConsumer).toBe(true);
      expect((await queue.enqueue([makeEnvelope()])).wakeConsumer).toBe(false);
      await claimAll();
      expect((await queue.enqueue([makeEnvelope()])).wakeConsumer).toBe(false);
      await claimAll();
      expect((await queue.releaseConsumerSlot('test-consumer')).backlog).toBe(0);
      expect((await queue.enqueue([makeEnvelope()])).wakeConsumer).toBe(true);
    });

    it('a consumer leaving sees work that arrived while it held the slot', async () => {
      await claimAll();
      await queue.enqueue([makeEnvelope()]);
      expect((await queue.releaseConsumerSlot('test-consumer')).backlog).toBe(1);
    });

    it('deduplicates by idempotency key and by id, returning the first id', async () => {
      const first = makeEnvelope({ idempotencyKey: 'order-42' });
      const second = makeEnvelope({ idempotencyKey: 'order-42' });
      await queue.enqueue([first]);
      const again = await queue.enqueue([second, first]);
      expect(again.outcomes).toEqual([
        { id: first.id, state: 'queued', duplicate: true },
        { id: first.id, state: 'queued', duplicate: true },
      ]);
      const lease = await claimAll();
      expect(lease.tasks.map((task) => task.id)).toEqual([first.id]);
    });

    it('keeps delayed tasks out of reach until due, then orders by priority, then due time', async () => {
      const now = clock.now;
      const late = makeEnvelope({ runAt: now + 5_000, priority: 0 });
      const urgentLater = makeEnvelope({ runAt: now + 3_000, priority: 0 });
      const lowNow = makeEnvelope({ runAt: now, priority: 9 });
      const urgentNow = makeEnvelope({ runAt: now, priority: 0 });
      const lowSoon = makeEnvelope({ runAt: now + 1_000, priority: 9 });
      const result = await queue.enqueue([late, urgentLater, lowNow, urgentNow, lowSoon]);
      expect(result.outcomes.map((outcome) => outcome.state)).toEqual([
        'scheduled',
        'scheduled',
        'queued',
        'queued',
        'scheduled',
      ]);

      expect((await claimAll()).tasks.map((task) => task.id)).toEqual([urgentNow.id, lowNow.id]);
      clock.now = now + 10_000;
      expect((await claimAll()).tasks.map((task) => task.id)).toEqual([urgentLater.id, late.id, lowSoon.id]);
    });

    it('stores nothing of a batch that holds one invalid envelope', async () => {
      const good = makeEnvelope();
      const bad = makeEnvelope({ priority: Number.NaN });
      await expect(queue.enqueue([good, bad])).rejects.toBeInstanceOf(QueueLogicError);
      expect(await queue.status(good.id)).toBeNull();
      expect(await queue.status(bad.id)).toBeNull();
    });
  });

  describe('retries and the dead set', () => {
    it('a failed task waits for its retry time, then runs again; a burial (as the settle policy decides) is dead', async () => {
      const task = makeEnvelope({ maxAttempts: 2 });
      await queue.enqueue([task]);
      const first = await claimAll();
      const retryAt = clock.now + 2_000;
      expect(await queue.fail(first.token, [{ id: task.id, error: 'boom', dead: false, retryAt }])).toEqual({
        outcomes: [{ id: task.id, state: 'failed' }],
        armWake: 2,
      });
      expect(await queue.status(task.id)).toMatchObject({ state: 'failed', lastError: 'boom', attempt: 1 });
      expect((await claimAll()).tasks).toEqual([]);

      clock.now = retryAt;
      const second = await claimAll();
      expect(second.tasks.map((t) => [t.id, t.attempt])).toEqual([[task.id, 2]]);
      expect(
        (await queue.fail(second.token, [{ id: task.id, error: 'boom again', dead: true, retryAt }]))
          .outcomes,
      ).toEqual([{ id: task.id, state: 'dead' }]);

      const dead = await queue.listDead(10);
      expect(dead.map((status) => [status.id, status.state, status.lastError])).toEqual([
        [task.id, 'dead', 'boom again'],
      ]);
    });

    it('an unrecoverable failure is dead at once; replay brings it back with fresh attempts', async () => {
      const task = makeEnvelope({ maxAttempts: 5 });
      await queue.enqueue([task]);
      const lease = await claimAll();
      await queue.fail(lease.token, [{ id: task.id, error: 'gone', dead: true, retryAt: clock.now }]);
      expect((await queue.status(task.id))?.state).toBe('dead');

      expect(await queue.replayDead([task.id, 'not-dead'])).toEqual([task.id]);
      expect(await queue.listDead(10)).toEqual([]);
      const again = await claimAll();
      expect(again.tasks.map((t) => [t.id, t.attempt])).toEqual([[task.id, 1]]);
    });

    it('replays every dead task when no ids are given', async () => {
      const tasks = [makeEnvelope(), makeEnvelope()];
      await queue.enqueue(tasks);
      const lease = await claimAll();
      await queue.fail(
        lease.token,
        tasks.map((task) => ({ id: task.id, error: 'x', dead: true, retryAt: 0 })),
      );
      expect((await queue.replayDead()).sort()).toEqual(tasks.map((task) => task.id).sort());
    });
  });

  describe('wake-ups', () => {
    it('arms one wake-up for a burst of delayed tasks, and an earlier one when an earlier task comes', async () => {
      const later = (ms: number) => makeEnvelope({ runAt: clock.now + ms });
      expect((await queue.enqueue([later(30_000)])).armWake).toBe(30);
      expect((await queue.enqueue([later(31_000), later(45_000)])).armWake).toBeUndefined();
      expect((await queue.enqueue([later(10_500)])).armWake).toBe(10);
      expect((await queue.enqueue([later(60_000)])).armWake).toBeUndefined();
    });

    it('arms the longest SQS delay for a task further away, and the rest when that one arrives', async () => {
      const far = makeEnvelope({ runAt: clock.now + 3_600_000 });
      expect((await queue.enqueue([far])).armWake).toBe(900);
      clock.now += 900_000;
      const lease = await claimAll();
      expect(lease.tasks).toEqual([]);
      expect(lease.nextDueAt).toBe(far.runAt);
      expect(await queue.releaseConsumerSlot('test-consumer')).toEqual({ backlog: 0, armWake: 900 });
    });

    it('a claim arms a wake-up for the end of its lease, and reaps leases that ended', async () => {
      const task = makeEnvelope();
      await queue.enqueue([task]);
      const crashed = await claimAll(10, 5_000);
      expect(crashed.armWake).toBe(5);
      clock.now += 5_001;
      const again = await claimAll();
      expect(again.tasks.map((t) => [t.id, t.attempt])).toEqual([[task.id, 2]]);
      expect((await queue.complete(crashed.token, [{ id: task.id }])).outcomes).toEqual([
        { id: task.id, state: 'lost' },
      ]);
    });

    it('a consumer leaving with nothing runnable arms the next due work; with work left it arms nothing', async () => {
      const soon = makeEnvelope({ runAt: clock.now + 4_000 });
      await queue.enqueue([soon]);
      clock.now += 3_500;
      expect(await queue.releaseConsumerSlot('test-consumer')).toEqual({ backlog: 0, armWake: 0 });
      await queue.enqueue([makeEnvelope()]);
      expect(await queue.releaseConsumerSlot('test-consumer')).toEqual({ backlog: 1 });
    });
  });

  describe('leases', () => {
    it('an expired lease is reaped and the task runs again; the late ack is refused', async () => {
      const task = makeEnvelope();
      await queue.enqueue([task]);
      const crashed = await claimAll(10, 1_000);
      expect(await queue.reapExpired(100)).toEqual({ requeued: [], dead: [] });

      clock.now += 1_001;
      expect(await queue.reapExpired(100)).toEqual({ requeued: [task.id], dead: [] });
      expect(await queue.status(task.id)).toMatchObject({
        state: 'queued',
        lastError: expect.stringMatching(/lease/),
      });
      const retry = await claimAll();
      expect(retry.tasks.map((t) => [t.id, t.attempt])).toEqual([[task.id, 2]]);

      expect((await queue.complete(crashed.token, [{ id: task.id }])).outcomes).toEqual([
        { id: task.id, state: 'lost' },
      ]);
      expect((await queue.complete(retry.token, [{ id: task.id }])).outcomes).toEqual([
        { id: task.id, state: 'succeeded' },
      ]);
    });

    it('a stall on the last attempt is dead', async () => {
      const task = makeEnvelope({ maxAttempts: 1 });
      await queue.enqueue([task]);
      await claimAll(10, 1_000);
      clock.now += 5_000;
      expect(await queue.reapExpired(100)).toEqual({ requeued: [], dead: [task.id] });
    });

    it('extending keeps a lease alive past its first deadline', async () => {
      const task = makeEnvelope();
      await queue.enqueue([task]);
      const lease = await claimAll(10, 1_000);
      clock.now += 800;
      expect(await queue.extendLease(lease.token, [task.id, 'other'], 1_000)).toEqual([task.id]);
      clock.now += 800;
      expect(await queue.reapExpired(100)).toEqual({ requeued: [], dead: [] });
    });

    it('released tasks are queued again without spending an attempt', async () => {
      const task = makeEnvelope();
      await queue.enqueue([task]);
      const lease = await claimAll();
      expect(await queue.release(lease.token, [task.id])).toEqual([task.id]);
      const again = await claimAll();
      expect(again.tasks.map((t) => t.attempt)).toEqual([1]);
    });
  });

  describe('cancel', () => {
    it('cancels a queued or scheduled task, refuses a running or finished one', async () => {
      const queued = makeEnvelope();
      const scheduled = makeEnvelope({ runAt: clock.now + 60_000 });
      const running = makeEnvelope();
      await queue.enqueue([queued, scheduled]);
      expect(await queue.cancel(queued.id)).toBe('cancelled');
      expect(await queue.cancel(scheduled.id)).toBe('cancelled');
      expect(await queue.cancel(queued.id)).toBe('finished');
      expect(await queue.cancel('never-seen')).toBe('not_found');

      await queue.enqueue([running]);
      const lease = await claimAll();
      expect(lease.tasks.map((task) => task.id)).toEqual([running.id]);
      expect(await queue.cancel(running.id)).toBe('running');
      await queue.complete(lease.token, [{ id: running.id }]);
      clock.now += 120_000;
      expect((await claimAll()).tasks).toEqual([]);
    });
  });

  describe('run claim (tasks delivered by SQS)', () => {
    it('a task in both queues runs once: the SQS delivery takes it over, Redis no longer hands it out', async () => {
      const task = makeEnvelope();
      await queue.enqueue([task]);
      const claim = await queue.claimRun({ ...task, enqueuedVia: 'sqs' }, 30_000);
      expect(claim).toMatchObject({ decision: 'run', attempt: 1 });
      expect((await claimAll()).tasks).toEqual([]);
      expect(await queue.claimRun(task, 30_000)).toEqual({ decision: 'busy' });
      if (claim.decision !== 'run') throw new Error('unreachable');
      await queue.complete(claim.token, [{ id: task.id, result: 'done' }]);
      expect(await queue.claimRun(task, 30_000)).toEqual({ decision: 'duplicate', state: 'succeeded' });
      expect(await queue.status(task.id)).toMatchObject({ state: 'succeeded', via: 'sqs', result: 'done' });
    });

    it('a task Redis leased first is busy for SQS, then a duplicate once done', async () => {
      const task = makeEnvelope();
      await queue.enqueue([task]);
      const lease = await claimAll();
      expect(await queue.claimRun(task, 30_000)).toEqual({ decision: 'busy' });
      await queue.complete(lease.token, [{ id: task.id }]);
      expect(await queue.claimRun(task, 30_000)).toEqual({ decision: 'duplicate', state: 'succeeded' });
    });

    it('records a task Redis never saw, and honours its idempotency key across paths', async () => {
      const viaSqs = makeEnvelope({ idempotencyKey: 'k-1', enqueuedVia: 'sqs', attempt: 0 });
      const claim = await queue.claimRun(viaSqs, 30_000);
      expect(claim).toMatchObject({ decision: 'run', attempt: 1 });
      expect(await queue.status(viaSqs.id)).toMatchObject({ state: 'running', via: 'sqs' });

      const sameKey = makeEnvelope({ idempotencyKey: 'k-1' });
      expect((await queue.enqueue([sameKey])).outcomes[0]).toMatchObject({ id: viaSqs.id, duplicate: true });
      expect(await queue.claimRun(sameKey, 30_000)).toMatchObject({ decision: 'duplicate' });
    });

    it('an SQS-owned failure is not retried by Redis', async () => {
      const task = makeEnvelope();
      const claim = await queue.claimRun(task, 30_000);
      if (claim.decision !== 'run') throw new Error('expected run');
      await queue.fail(claim.token, [{ id: task.id, error: 'x', dead: false, retryAt: clock.now }]);
      clock.now += 60_000;
      expect((await claimAll()).tasks).toEqual([]);
      expect(await queue.claimRun(task, 30_000)).toMatchObject({ decision: 'run', attempt: 2 });
    });
  });

  describe('journal and depths', () => {
    it('writes journaled outcomes into the status view, never over a newer state', async () => {
      const ran = makeEnvelope({ enqueuedVia: 'sqs' });
      const died = makeEnvelope({ enqueuedVia: 'sqs' });
      const applied = await queue.applyJournal([
        {
          envelope: ran,
          via: 'sqs',
          state: 'succeeded',
          attempt: 1,
          finishedAt: clock.now,
          result: { n: 1 },
        },
        { envelope: died, via: 'sqs', state: 'dead', attempt: 3, finishedAt: clock.now, error: 'nope' },
      ]);
      expect(applied).toBe(2);
      expect(await queue.status(ran.id)).toMatchObject({ state: 'succeeded', via: 'sqs', result: { n: 1 } });
      expect((await queue.listDead(10)).map((status) => status.id)).toEqual([died.id]);
      expect(
        await queue.applyJournal([
          { envelope: ran, via: 'sqs', state: 'failed', attempt: 1, finishedAt: clock.now },
        ]),
      ).toBe(0);
    });

    it('reports depth and head age of each set', async () => {
      await queue.enqueue([
        makeEnvelope({ createdAt: clock.now - 5_000 }),
        makeEnvelope({ runAt: clock.now + 60_000 }),
      ]);
      const depths = await queue.depths();
      expect(depths.ready).toEqual({ depth: 1, oldestAgeMs: 5_000 });
      expect(depths.delayed.depth).toBe(1);
      expect(depths.active.depth).toBe(0);
      expect(depths.dead).toEqual({ depth: 0, oldestAgeMs: 0 });
    });
  });

  describe('reconciler support', () => {
    it('promotes due tasks and asks for a wake-up when work waits and no consumer holds the slot', async () => {
      const later = makeEnvelope({ runAt: clock.now + 1_000 });
      await queue.enqueue([later]);
      expect(await queue.promoteDue(100)).toEqual({ promoted: 0, ready: 0, wakeConsumer: false });
      clock.now += 1_000;
      expect(await queue.promoteDue(100)).toEqual({ promoted: 1, ready: 1, wakeConsumer: true });
      // A bare reservation may belong to a wake-up nobody sent: the next pass asks again.
      expect(await queue.promoteDue(100)).toEqual({ promoted: 0, ready: 1, wakeConsumer: true });
      // A consumer that holds the slot is draining: no second one.
      await queue.claim({ max: 0, leaseMs: 1_000, consumerId: 'live-consumer', slotTtlMs: 60_000 });
      expect(await queue.promoteDue(100)).toEqual({ promoted: 0, ready: 1, wakeConsumer: false });
      expect(await queue.status(later.id)).toMatchObject({ state: 'queued' });
    });

    it('a lock is held by one token at a time and released only by it', async () => {
      expect(await queue.acquireLock('reconcile', 'a', 60_000)).toBe(true);
      expect(await queue.acquireLock('reconcile', 'b', 60_000)).toBe(false);
      await queue.releaseLock('reconcile', 'b');
      expect(await queue.acquireLock('reconcile', 'b', 60_000)).toBe(false);
      await queue.releaseLock('reconcile', 'a');
      expect(await queue.acquireLock('reconcile', 'b', 60_000)).toBe(true);
    });
  });
});

describe('round trips over REST (counted at the bridge)', () => {
  beforeEach(() => {
    queue = new RedisTaskQueue({
      redis: createRedisClient({ url: stack.bridge.url, token: stack.bridge.token, timeoutMs: 2_000 }),
      queueName: `rt-${randomBytes(4).toString('hex')}`,
      idempotencyTtlMs: 60_000,
      resultTtlMs: 60_000,
    });
  });

  it('enqueue of one, a batch of 100, a claim of N and a completion of N are one request each', async () => {
    await queue.enqueue([makeEnvelope()]); // loads the scripts the first time (NOSCRIPT → EVAL)
    await claimAll();

    stack.bridge.resetStats();
    await queue.enqueue([makeEnvelope()]);
    expect(stack.bridge.stats.requests).toBe(1);

    stack.bridge.resetStats();
    await queue.enqueue(Array.from({ length: 100 }, () => makeEnvelope()));
    expect(stack.bridge.stats.requests).toBe(1);

    await claimAll(1); // warm the complete script below with a task of its own
    stack.bridge.resetStats();
    const lease = await claimAll(100);
    expect(lease.tasks).toHaveLength(100);
    expect(stack.bridge.stats.requests).toBe(1);

    await queue.complete('warm', [{ id: 'nothing' }]);
    stack.bridge.resetStats();
    const acks = await queue.complete(
      lease.token,
      lease.tasks.map((task) => ({ id: task.id, result: { ok: true } })),
    );
    expect(acks.outcomes.every((ack) => ack.state === 'succeeded')).toBe(true);
    expect(stack.bridge.stats.requests).toBe(1);
  });
});

describe('scripts missing from Redis (restart, flush)', () => {
  it('are sent again, also by a client that auto-pipelines (it words NOSCRIPT differently)', async () => {
    const control = new IORedis(stack.server.url);
    try {
      for (const enableAutoPipelining of [false, true]) {
        await control.script('FLUSH');
        const pipelining = new RedisTaskQueue({
          redis: new UpstashRedis({
            url: stack.bridge.url,
            token: stack.bridge.token,
            retry: { retries: 0 },
            enableAutoPipelining,
            automaticDeserialization: false,
          }),
          queueName: `flush-${randomBytes(4).toString('hex')}`,
          idempotencyTtlMs: 60_000,
          resultTtlMs: 60_000,
        });
        const task = makeAnyEnvelope();
        expect((await pipelining.enqueue([task])).outcomes[0]).toMatchObject({
          id: task.id,
          duplicate: false,
        });
      }
    } finally {
      control.disconnect();
    }
  });
});
