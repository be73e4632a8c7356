import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../../lib/observability/logger.js';
import { createRedisClient } from '../../lib/queue/redis/create-redis-client.js';
import { RedisTaskQueue } from '../../lib/queue/redis/redis-task-queue.js';
import type { JournalEntry } from '../../lib/queue/task-queue.js';
import { drainQueue } from '../../lib/runner/drain-queue.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import { UnrecoverableTaskError } from '../../lib/tasks/errors.js';
import { TaskRegistry } from '../../lib/tasks/task-registry.js';
import { makeEnvelope } from '../support/envelopes.js';
import { type RedisStack, startRedisStack } from '../support/redis-stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: RedisStack;
let queue: RedisTaskQueue;
let runs: { id: string; attempt: number }[];
let ratedStarts: { id: string; attempt: number; at: number }[];
/** What the fake Lambda has left; the `tick` task spends 100 ms of it per run. */
let lambdaBudgetMs = 0;

const registry = new TaskRegistry([
  defineTask({
    type: 'noop',
    schema: z.object({ n: z.number() }),
    handler: async ({ n }, { taskId, attempt }) => {
      runs.push({ id: taskId, attempt });
      return { doubled: n * 2 };
    },
  }),
  defineTask({
    type: 'flaky',
    schema: z.object({ failTimes: z.number() }),
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
    handler: async ({ failTimes }, { taskId, attempt }) => {
      runs.push({ id: taskId, attempt });
      if (attempt <= failTimes) throw new Error(`attempt ${attempt} failed`);
      return 'ok';
    },
  }),
  defineTask({
    type: 'tick',
    schema: z.unknown(),
    handler: async () => {
      lambdaBudgetMs -= 100;
    },
  }),
  defineTask({
    type: 'doomed',
    schema: z.unknown(),
    handler: async () => {
      throw new UnrecoverableTaskError('never going to work');
    },
  }),
  defineTask({
    type: 'rated',
    schema: z.unknown(),
    rateLimit: { limit: 10, periodMs: 60_000, key: () => 'k' },
    handler: async (_payload, { taskId, attempt }) => {
      ratedStarts.push({ id: taskId, attempt, at: Date.now() });
    },
  }),
  defineTask({
    type: 'slow',
    schema: z.object({ ms: z.number() }),
    handler: async ({ ms }, { taskId, attempt, signal }) => {
      runs.push({ id: taskId, attempt });
      await new Promise((resolve) => setTimeout(resolve, ms, signal));
      return 'slow done';
    },
  }),
]);

beforeAll(async () => {
  stack = await startRedisStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  runs = [];
  ratedStarts = [];
  queue = new RedisTaskQueue({
    redis: createRedisClient({ url: stack.bridge.url, token: stack.bridge.token, timeoutMs: 2_000 }),
    queueName: `drain-${randomBytes(4).toString('hex')}`,
    idempotencyTtlMs: 60_000,
    resultTtlMs: 60_000,
  });
});

const drain = (overrides: Partial<Parameters<typeof drainQueue>[0]> = {}) =>
  drainQueue({
    queue,
    registry,
    logger: silentLogger,
    consumerId: 'consumer-1',
    concurrency: 8,
    batchSize: 50,
    leaseMs: 10_000,
    remainingTimeMs: () => 60_000,
    safetyMarginMs: 1_000,
    ...overrides,
  });

describe('drain loop', () => {
  it('runs every task once and records results, in few round trips', async () => {
    const tasks = Array.from({ length: 120 }, (_, n) => makeEnvelope({ payload: { n } }));
    await queue.enqueue(tasks);
    stack.bridge.resetStats();
    const summary = await drain();
    expect(summary).toMatchObject({ claimed: 120, succeeded: 120, failed: 0, dead: 0, lost: 0 });
    expect(new Set(runs.map((run) => run.id)).size).toBe(120);
    expect(runs).toHaveLength(120);
    // 3 batches × (claim + complete + fail) + the final empty claim and slot release, scripts cached.
    expect(stack.bridge.stats.requests).toBeLessThanOrEqual(3 * 3 + 2 + 10);
    expect(await queue.status(tasks[7]?.id ?? '')).toMatchObject({
      state: 'succeeded',
      result: { doubled: 14 },
    });
  });

  it('retries with backoff until success, buries unrecoverable failures', async () => {
    const flaky = makeEnvelope({ type: 'flaky', payload: { failTimes: 2 }, maxAttempts: 5 });
    const doomed = makeEnvelope({ type: 'doomed', payload: null, maxAttempts: 5 });
    await queue.enqueue([flaky, doomed]);
    for (let pass = 0; pass < 5; pass++) {
      await drain();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(runs.filter((run) => run.id === flaky.id).map((run) => run.attempt)).toEqual([1, 2, 3]);
    expect(await queue.status(flaky.id)).toMatchObject({ state: 'succeeded', attempt: 3 });
    expect(await queue.status(doomed.id)).toMatchObject({
      state: 'dead',
      lastError: expect.stringMatching(/never/),
    });
    expect((await queue.listDead(10)).map((status) => status.id)).toEqual([doomed.id]);
  });

  it('exhausted tasks are dead after maxAttempts', async () => {
    const task = makeEnvelope({ type: 'flaky', payload: { failTimes: 99 }, maxAttempts: 3 });
    await queue.enqueue([task]);
    for (let pass = 0; pass < 5; pass++) {
      await drain();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    expect(await queue.status(task.id)).toMatchObject({ state: 'dead', attempt: 3 });
  });

  it('stops before the Lambda runs out of time and gives unstarted leases back', async () => {
    await queue.enqueue(Array.from({ length: 10 }, () => makeEnvelope({ type: 'tick', payload: null })));
    lambdaBudgetMs = 1_250;
    const summary = await drain({
      concurrency: 1,
      batchSize: 10,
      remainingTimeMs: () => lambdaBudgetMs,
      safetyMarginMs: 1_000,
    });
    expect(summary).toMatchObject({ succeeded: 3, released: 7 });
    const depths = await queue.depths();
    expect(depths.ready.depth).toBe(7);
    expect(depths.active.depth).toBe(0);
    // Released tasks did not spend an attempt.
    const next = await queue.claim({ max: 10, leaseMs: 1000, consumerId: 'c', slotTtlMs: 1000 });
    expect(next.tasks.map((task) => task.attempt)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('starts rate-limited tasks as soon as they are leased (when their start is counted), never behind others', async () => {
    // Two workers; first in line two slow tasks, then three rate-limited ones. Had the batch run in claim
    // order, the rate-limited tasks would start 300 ms after the claim counted their starts, and a window at
    // their destination could then hold more than the limit.
    const slow = Array.from({ length: 2 }, () => makeEnvelope({ type: 'slow', payload: { ms: 300 } }));
    const rate = { key: 'k', limit: 10, periodMs: 60_000 };
    const rated = Array.from({ length: 3 }, () =>
      makeEnvelope({ type: 'rated', payload: null, limits: { rate } }),
    );
    await queue.enqueue([...slow, ...rated]);
    const summary = await drain({ concurrency: 2 });
    const window = await stack
      .client()
      .zrange<(string | number)[]>(`${queue.keys.prefix}:limit:starts:rated/k`, 0, -1, { withScores: true });
    const counted = new Map<string, number>();
    for (let i = 0; i + 1 < window.length; i += 2) counted.set(String(window[i]), Number(window[i + 1]));
    expect(counted.size).toBe(3);
    expect(ratedStarts.map((start) => start.id).sort()).toEqual(rated.map((task) => task.id).sort());
    for (const start of ratedStarts) {
      const countedAt = counted.get(`${start.id}:${start.attempt}`);
      expect(countedAt, `${start.id} counted in the window`).toBeDefined();
      expect(start.at - (countedAt as number)).toBeLessThan(200);
    }
    // The third rate-limited task had no worker to start it: the claim left it ready, for the next claim.
    expect(summary).toMatchObject({ succeeded: 5, released: 0 });
  });

  it('journals final outcomes when Redis takes the tasks but not the acks', async () => {
    // A Redis that keeps its data across a crash, so the state before and after can be compared.
    const durable = await startRedisStack({ serverArgs: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    try {
      queue = new RedisTaskQueue({
        redis: createRedisClient({ url: durable.bridge.url, token: durable.bridge.token, timeoutMs: 1_000 }),
        queueName: 'journal',
        idempotencyTtlMs: 60_000,
        resultTtlMs: 60_000,
      });
      const task = makeEnvelope({ type: 'slow', payload: { ms: 300 } });
      await queue.enqueue([task]);
      const journal: JournalEntry[] = [];
      const pending = drain({ journal: { record: async (entry) => void journal.push(entry) } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await durable.server.kill('SIGKILL');
      await expect(pending).rejects.toThrow();
      await durable.server.restart();
      await waitFor(() => durable.bridge.isRedisReady(), 'the bridge to reconnect');

      expect(journal).toEqual([
        expect.objectContaining({ state: 'succeeded', via: 'redis', attempt: 1, result: 'slow done' }),
      ]);
      expect(await queue.status(task.id)).toMatchObject({ state: 'running' });
      expect(await queue.applyJournal(journal)).toBe(1);
      expect(await queue.status(task.id)).toMatchObject({ state: 'succeeded', result: 'slow done' });
      // The lease is gone, so reaping later does not run the task again.
      expect((await queue.depths()).active.depth).toBe(0);
    } finally {
      await durable.stop();
    }
  });
});
