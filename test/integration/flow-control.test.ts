import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { silentLogger } from '../../lib/observability/logger.js';
import { createRedisClient } from '../../lib/queue/redis/create-redis-client.js';
import { RedisTaskQueue } from '../../lib/queue/redis/redis-task-queue.js';
import type { RedisTaskQueueOptions } from '../../lib/queue/redis/redis-task-queue-options.js';
import { drainQueue } from '../../lib/runner/drain-queue.js';
import { buildEnvelope } from '../../lib/tasks/build-envelope.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import type { TaskLimits } from '../../lib/tasks/task-limits.js';
import { TaskRegistry } from '../../lib/tasks/task-registry.js';
import { makeEnvelope as makeAnyEnvelope } from '../support/envelopes.js';
import { type RedisStack, startRedisStack } from '../support/redis-stack.js';
import { waitFor } from '../support/wait-for.js';

/*
 * Flow control in the scripts, through the REST bridge on the test's clock: what a claim leases and parks,
 * what frees a slot (an ack, a release, an expired lease) and opens a window, and the SQS run claim.
 */

let stack: RedisStack;
let queue: RedisTaskQueue;
const clock = { now: 0 };

beforeAll(async () => {
  stack = await startRedisStack();
});
afterAll(async () => {
  await stack?.stop();
});
let queueName: string;
/** The test's queue through the bridge, on the test's clock unless told otherwise. */
const queueOf = (options: Partial<RedisTaskQueueOptions> = {}) =>
  new RedisTaskQueue({
    redis: createRedisClient({ url: stack.bridge.url, token: stack.bridge.token, timeoutMs: 5_000 }),
    queueName,
    idempotencyTtlMs: 60_000,
    resultTtlMs: 60_000,
    clock: () => clock.now,
    ...options,
  });
beforeEach(() => {
  clock.now = Date.now();
  queueName = `limits-${randomBytes(4).toString('hex')}`;
  queue = queueOf();
});

const task = (limits: TaskLimits, overrides: Partial<TaskEnvelope> = {}) =>
  makeAnyEnvelope({ runAt: clock.now, createdAt: clock.now, limits, ...overrides });
const concurrency = (key: string, limit: number): TaskLimits => ({ concurrency: { key, limit } });
const rate = (key: string, limit: number, periodMs: number): TaskLimits => ({
  rate: { key, limit, periodMs },
});

const claim = (max = 100, leaseMs = 30_000) =>
  queue.claim({ max, leaseMs, consumerId: 'limits-test', slotTtlMs: 60_000 });
const ids = (lease: { tasks: TaskEnvelope[] }) => lease.tasks.map((leased) => leased.id);

describe('concurrency limits in the claim', () => {
  it('leases at most the limit per key, parks the rest, and lets the next in as each finishes', async () => {
    const tasks = Array.from({ length: 5 }, () => task(concurrency('tenant-a', 2)));
    await queue.enqueue(tasks);

    const first = await claim();
    expect(ids(first)).toEqual([tasks[0]?.id, tasks[1]?.id]);
    expect(first.throttled).toBe(3);
    expect(ids(await claim())).toEqual([]);

    await queue.complete(first.token, [{ id: tasks[0]?.id ?? '' }]);
    const second = await claim();
    expect(ids(second)).toEqual([tasks[2]?.id]);
    await queue.fail(first.token, [{ id: tasks[1]?.id ?? '', error: 'boom', dead: true, retryAt: 0 }]);
    expect(ids(await claim())).toEqual([tasks[3]?.id]);
  });

  it('never lets a full key hold back the keys behind it', async () => {
    const crowd = Array.from({ length: 300 }, () => task(concurrency('big', 1)));
    const small = Array.from({ length: 3 }, () => task(concurrency('small', 5)));
    await queue.enqueue(crowd);
    await queue.enqueue(small);

    const lease = await claim(10);
    expect(ids(lease)).toEqual([crowd[0]?.id, ...small.map((t) => t.id)]);
    expect(lease.throttled).toBe(299);
  });

  it('bounds the scan of one claim and says more is due now', async () => {
    const crowd = Array.from({ length: 40 }, () => task(concurrency('big', 1)));
    const behind = task(concurrency('other', 1));
    await queue.enqueue([...crowd, behind]);
    const bounded = queueOf({ maxClaimScan: 25 });
    const request = { max: 10, leaseMs: 30_000, consumerId: 'c', slotTtlMs: 60_000 };

    const first = await bounded.claim(request);
    expect(ids(first)).toEqual([crowd[0]?.id]);
    expect(first.nextDueAt).toBe(clock.now);
    expect(ids(await bounded.claim(request))).toEqual([behind.id]);
  });

  it('frees the slot of a crashed consumer when its lease ends', async () => {
    const [a, b] = [task(concurrency('k', 1)), task(concurrency('k', 1))];
    await queue.enqueue([a, b]);
    expect(ids(await claim(10, 1_000))).toEqual([a.id]);

    clock.now += 500;
    expect(ids(await claim(10, 1_000))).toEqual([]);
    clock.now += 600;
    // The reap puts `a` back and frees its slot: one of the two runs, never both.
    const after = await claim(10, 1_000);
    expect(after.tasks).toHaveLength(1);
  });

  it('keeps the slot while the lease is extended', async () => {
    const [a, b] = [task(concurrency('k', 1)), task(concurrency('k', 1))];
    await queue.enqueue([a, b]);
    const lease = await claim(10, 1_000);
    clock.now += 500;
    expect(await queue.extendLease(lease.token, [a.id], 5_000)).toEqual([a.id]);
    clock.now += 1_000;
    expect(ids(await claim(10, 1_000))).toEqual([]);
  });

  it('frees the slot and the start of a task given back unstarted', async () => {
    const limits = { ...concurrency('k', 1), ...rate('k', 1, 60_000) };
    const [a, b] = [task(limits), task(limits)];
    await queue.enqueue([a, b]);
    const lease = await claim();
    expect(await queue.release(lease.token, [a.id])).toEqual([a.id]);
    const again = await claim();
    expect(ids(again)).toEqual([a.id]);
    expect(again.tasks[0]?.attempt).toBe(1);
  });

  it('drops a cancelled task from its waiting set', async () => {
    const [a, b, c] = [task(concurrency('k', 1)), task(concurrency('k', 1)), task(concurrency('k', 1))];
    await queue.enqueue([a, b, c]);
    const lease = await claim();
    expect(await queue.cancel(b.id)).toBe('cancelled');
    await queue.complete(lease.token, [{ id: a.id }]);
    expect(ids(await claim())).toEqual([c.id]);
  });

  it('lets the reconciler refill a key whose slot only expired', async () => {
    const [a, b] = [task(concurrency('k', 1)), task(concurrency('k', 1))];
    await queue.enqueue([a, b]);
    await claim(10, 1_000);
    clock.now += 1_500;
    const reaped = await queue.reapExpired(100);
    expect(reaped.requeued).toEqual([a.id]);
    const promotion = await queue.promoteDue(100);
    expect(promotion.ready).toBeGreaterThanOrEqual(1);
    expect((await claim()).tasks).toHaveLength(1);
  });

  it('wakes a consumer when an ack with no consumer about lets waiting tasks in', async () => {
    const [a, b] = [task(concurrency('k', 1)), task(concurrency('k', 1))];
    await queue.enqueue([a, b]);
    const lease = await claim();
    expect((await queue.releaseConsumerSlot('limits-test')).backlog).toBe(0);
    const ack = await queue.complete(lease.token, [{ id: a.id }]);
    expect(ack.armWake).toBe(0);
  });
});

describe('rate limits in the claim', () => {
  it('starts at most the limit in any window and says when the window opens', async () => {
    const tasks = Array.from({ length: 7 }, () => task(rate('api', 3, 1_000)));
    await queue.enqueue(tasks);
    const startedAt = clock.now;

    const first = await claim();
    expect(first.tasks).toHaveLength(3);
    expect(first.nextDueAt).toBe(startedAt + 1_000);

    clock.now = startedAt + 999;
    expect((await claim()).tasks).toHaveLength(0);
    clock.now = startedAt + 1_000;
    expect(ids(await claim())).toEqual(tasks.slice(3, 6).map((t) => t.id));
    clock.now = startedAt + 2_000;
    expect(ids(await claim())).toEqual([tasks[6]?.id]);
  });

  it('keeps every window within the limit when a caller whose clock read earlier runs later', async () => {
    const tasks = Array.from({ length: 4 }, () => task(rate('api', 2, 1_000)));
    await queue.enqueue(tasks);
    const redis = createRedisClient({ url: stack.bridge.url, token: stack.bridge.token, timeoutMs: 2_000 });
    const windowKey = `${queue.keys.prefix}:limit:starts:noop/api`;
    // Every start as recorded, read after each claim: pruning drops the old ones from the window later.
    const recorded = new Map<string, number>();
    const base = clock.now;
    for (const at of [0, 1, 1_001, 500]) {
      clock.now = base + at;
      expect((await claim(1)).tasks).toHaveLength(1);
      const flat = await redis.zrange<(string | number)[]>(windowKey, 0, -1, { withScores: true });
      for (let i = 0; i < flat.length; i += 2) recorded.set(String(flat[i]), Number(flat[i + 1]));
    }
    const starts = [...recorded.values()];
    expect(starts).toHaveLength(4);
    for (const start of starts) {
      expect(starts.filter((other) => other >= start && other < start + 1_000).length).toBeLessThanOrEqual(2);
    }
  });

  it('leases no more rate-limited tasks than the caller starts at once, leaving the rest ready', async () => {
    const rated = Array.from({ length: 5 }, () => task(rate('api', 100, 1_000)));
    await queue.enqueue(rated);
    const request = { max: 10, leaseMs: 30_000, consumerId: 'c', slotTtlMs: 60_000, maxRateLimited: 2 };
    const first = await queue.claim(request);
    expect(ids(first)).toEqual(rated.slice(0, 2).map((t) => t.id));
    expect(first.throttled).toBe(0);
    expect(first.nextDueAt).toBe(clock.now);
    expect(ids(await queue.claim(request))).toEqual(rated.slice(2, 4).map((t) => t.id));
  });

  it('counts a window per key: one key at its rate leaves the others alone', async () => {
    const slow = Array.from({ length: 5 }, () => task(rate('slow', 1, 60_000)));
    const fast = Array.from({ length: 5 }, () => task(rate('fast', 10, 60_000)));
    await queue.enqueue([...slow, ...fast]);
    const lease = await claim();
    expect(ids(lease)).toEqual([slow[0]?.id, ...fast.map((t) => t.id)]);
  });
});

describe('limits in the SQS run claim', () => {
  it('answers throttled without spending an attempt, and runs once a slot frees', async () => {
    const running = task(concurrency('k', 1));
    await queue.enqueue([running]);
    const lease = await claim();
    const delivered = task(concurrency('k', 1), { enqueuedVia: 'sqs' });

    expect(await queue.claimRun(delivered, 30_000)).toEqual({ decision: 'throttled' });
    expect(await queue.status(delivered.id)).toBeNull();

    await queue.complete(lease.token, [{ id: running.id }]);
    const run = await queue.claimRun(delivered, 30_000);
    expect(run).toMatchObject({ decision: 'run', attempt: 1 });
    // Now it holds the key's one slot.
    const next = task(concurrency('k', 1));
    await queue.enqueue([next]);
    expect(ids(await claim())).toEqual([]);
  });

  it('says when a rate window opens', async () => {
    const first = task(rate('api', 1, 5_000), { enqueuedVia: 'sqs' });
    expect(await queue.claimRun(first, 30_000)).toMatchObject({ decision: 'run' });
    const second = task(rate('api', 1, 5_000), { enqueuedVia: 'sqs' });
    expect(await queue.claimRun(second, 30_000)).toEqual({
      decision: 'throttled',
      opensAt: clock.now + 5_000,
    });
  });
});

describe('fairness through a real drain', () => {
  it('finishes 10 tasks of key B while 10,000 of key A, enqueued before them at limit 1, still drain', async () => {
    const finished = { a: 0, b: 0, aWhenBDone: -1 };
    const registry = new TaskRegistry([
      defineTask({
        type: 'tenant-job',
        schema: z.object({ tenant: z.string() }),
        concurrency: { limit: 1, key: ({ tenant }) => tenant },
        handler: async ({ tenant }) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (tenant === 'a') finished.a += 1;
          else if (++finished.b === 10) finished.aWhenBDone = finished.a;
        },
      }),
    ]);
    const envelope = (tenant: string) =>
      buildEnvelope(registry, { type: 'tenant-job', payload: { tenant } }, { now: clock.now });
    for (let batch = 0; batch < 20; batch += 1)
      await queue.enqueue(Array.from({ length: 500 }, () => envelope('a')));
    await queue.enqueue(Array.from({ length: 10 }, () => envelope('b')));
    // The tasks ran at the test's clock; the drain's claims must see them due and the leases running.
    clock.now = Date.now();
    const live = queueOf({ clock: Date.now });

    const stop = new AbortController();
    const drained = drainQueue({
      queue: live,
      registry,
      logger: silentLogger,
      consumerId: 'fair',
      concurrency: 10,
      batchSize: 50,
      leaseMs: 30_000,
      remainingTimeMs: () => 600_000,
      stopSignal: stop.signal,
    });
    await waitFor(() => finished.b === 10, 'the 10 tasks of key B', { timeoutMs: 60_000 });
    stop.abort();
    await drained;

    expect(finished.aWhenBDone).toBeGreaterThanOrEqual(0);
    expect(finished.aWhenBDone).toBeLessThan(10_000);
    // A ran one at a time: it had finished only a handful when B was done.
    expect(finished.aWhenBDone).toBeLessThan(100);
  }, 120_000);
});
