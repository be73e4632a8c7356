import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../lib/queue/redis/create-redis-client.js';
import { RedisOpsStore } from '../../lib/queue/redis/redis-ops-store.js';
import { RedisTaskQueue } from '../../lib/queue/redis/redis-task-queue.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import { makeEnvelope } from '../support/envelopes.js';
import { type RedisStack, startRedisStack } from '../support/redis-stack.js';

// The operations scripts against a real Redis behind the REST bridge: the listing index, counts per state,
// the capped streams and paced replays.

let stack: RedisStack;
let queue: RedisTaskQueue;
let ops: RedisOpsStore;
const clock = { now: Date.now() };

beforeAll(async () => {
  stack = await startRedisStack();
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  clock.now = Date.now();
  const redis = createRedisClient({ url: stack.bridge.url, token: stack.bridge.token, timeoutMs: 2_000 });
  const queueName = `ops-${randomBytes(4).toString('hex')}`;
  const common = { redis, queueName, resultTtlMs: 60_000, clock: () => clock.now };
  queue = new RedisTaskQueue({ ...common, idempotencyTtlMs: 60_000 });
  ops = new RedisOpsStore({ ...common, eventsKept: 50, samplesKept: 20 });
});

/** Tasks created one millisecond apart, oldest first. */
function tasks(count: number, overrides: Partial<TaskEnvelope> = {}): TaskEnvelope[] {
  return Array.from({ length: count }, (_, i) =>
    makeEnvelope({ createdAt: clock.now - count + i, runAt: clock.now, ...overrides }),
  );
}

async function killAll(envelopes: readonly TaskEnvelope[], error = 'boom'): Promise<void> {
  const lease = await queue.claim({ max: 1000, leaseMs: 30_000, consumerId: 'c', slotTtlMs: 60_000 });
  const wanted = new Set(envelopes.map((task) => task.id));
  const failures = lease.tasks
    .filter((task) => wanted.has(task.id))
    .map((task) => ({ id: task.id, error, dead: true, retryAt: 0 }));
  await queue.fail(lease.token, failures);
}

describe('the task listing', () => {
  it('pages newest first with a stable cursor, even while tasks arrive', async () => {
    const stored = tasks(7);
    await queue.enqueue(stored);
    const first = await ops.listTasks({ limit: 3 });
    expect(first.tasks.map((task) => task.id)).toEqual(
      stored
        .slice(4)
        .reverse()
        .map((task) => task.id),
    );
    await queue.enqueue(tasks(2, { createdAt: clock.now + 5 }));
    const second = await ops.listTasks({ limit: 3, ...(first.next && { after: first.next }) });
    expect(second.tasks.map((task) => task.id)).toEqual(
      stored
        .slice(1, 4)
        .reverse()
        .map((task) => task.id),
    );
    const third = await ops.listTasks({ limit: 3, ...(second.next && { after: second.next }) });
    expect(third.tasks.map((task) => task.id)).toEqual([stored[0]?.id]);
    expect(third.next).toBeNull();
    expect(second.tasks[0]).toMatchObject({ type: 'noop', state: 'queued', via: 'redis', attempt: 0 });
  });

  it('filters by state, type and payload text', async () => {
    const [a, b, c] = [
      makeEnvelope({ type: 'mail', payload: { to: 'ada@example.com' }, runAt: clock.now }),
      makeEnvelope({ type: 'mail', payload: { to: 'bob@example.com' }, runAt: clock.now }),
      makeEnvelope({ type: 'sms', payload: { to: '+4412345' }, runAt: clock.now }),
    ] as [TaskEnvelope, TaskEnvelope, TaskEnvelope];
    await queue.enqueue([a, b, c]);
    await killAll([b]);
    const ids = async (query: Parameters<RedisOpsStore['listTasks']>[0]) =>
      (await ops.listTasks(query)).tasks.map((task) => task.id).sort();
    expect(await ids({ limit: 10, type: 'mail' })).toEqual([a.id, b.id].sort());
    expect(await ids({ limit: 10, state: 'dead' })).toEqual([b.id]);
    expect(await ids({ limit: 10, state: 'queued', type: 'mail' })).toEqual([]);
    expect(await ids({ limit: 10, text: 'ada@' })).toEqual([a.id]);
    expect(await ids({ limit: 10, text: '%' })).toEqual([]); // plain text, not a Lua pattern
  });

  it('finds a task by its idempotency key', async () => {
    const task = makeEnvelope({ idempotencyKey: 'order-42' });
    await queue.enqueue([task]);
    expect(await ops.findByIdempotencyKey('order-42')).toMatchObject({
      id: task.id,
      idempotencyKey: 'order-42',
      payload: task.payload,
    });
    expect(await ops.findByIdempotencyKey('order-43')).toBeNull();
  });
});

describe('counts per state', () => {
  it('counts every state, finished ones included', async () => {
    const [done, dead, cancelled, later, waiting] = tasks(5);
    await queue.enqueue([done, dead, cancelled, waiting] as TaskEnvelope[]);
    await queue.enqueue([{ ...(later as TaskEnvelope), runAt: clock.now + 60_000 }]);
    expect(await queue.cancel(cancelled?.id ?? '')).toBe('cancelled');
    const lease = await queue.claim({ max: 2, leaseMs: 30_000, consumerId: 'c', slotTtlMs: 60_000 });
    await queue.complete(lease.token, [{ id: done?.id ?? '' }]);
    await queue.fail(lease.token, [{ id: dead?.id ?? '', error: 'x', dead: true, retryAt: 0 }]);
    expect(await ops.countStates()).toEqual({
      queued: 1,
      scheduled: 1,
      running: 0,
      succeeded: 1,
      failed: 0,
      dead: 1,
      cancelled: 1,
      exact: true,
    });
  });
});

describe('the capped streams', () => {
  it('reads events from a time or after an entry, oldest first, and keeps them bounded', async () => {
    const at = clock.now;
    await ops.append({ events: [{ at, kind: 'breaker', to: 'open' }], samples: [{ at, kind: 'depths' }] });
    const [first] = await ops.readEvents({ since: at - 1000 }, 10);
    expect(first?.record).toEqual({ at, kind: 'breaker', to: 'open' });
    await ops.append({ events: [{ at: at + 1, kind: 'reaped', requeued: 2 }], samples: [] });
    const after = await ops.readEvents({ afterEntry: first?.entryId ?? '' }, 10);
    expect(after.map((entry) => entry.record.kind)).toEqual(['reaped']);
    expect((await ops.readSamples(at - 1000, 10)).map((entry) => entry.record.kind)).toEqual(['depths']);

    for (let i = 0; i < 6; i += 1) {
      await ops.append({ events: Array.from({ length: 50 }, (_, n) => ({ at, kind: 'x', n })), samples: [] });
    }
    // Trimmed approximately (in whole stream nodes), but bounded.
    expect((await ops.readEvents({ since: 0 }, 10_000)).length).toBeLessThan(250);
  });
});

describe('bulk replay', () => {
  it('selects dead tasks by type, error text and time, and replays them at their own start times', async () => {
    const webhooks = tasks(3, { type: 'http' });
    const other = makeEnvelope({ type: 'mail', runAt: clock.now });
    await queue.enqueue([...webhooks, other]);
    await killAll(webhooks, 'Target answered HTTP 503');
    await killAll([other], 'mailbox full');
    const selected = await ops.selectDead({ type: 'http', error: 'http 503' }, 100);
    expect(selected.map((task) => task.id).sort()).toEqual(webhooks.map((task) => task.id).sort());
    expect(selected[0]).toMatchObject({
      type: 'http',
      lastError: 'Target answered HTTP 503',
      diedAt: clock.now,
    });
    expect(await ops.selectDead({ to: clock.now - 1 }, 100)).toEqual([]);

    const [first, second] = webhooks as [TaskEnvelope, TaskEnvelope];
    const replayed = await ops.replayDeadAt([
      { id: first.id, runAt: clock.now },
      { id: second.id, runAt: clock.now + 5_000 },
      { id: makeEnvelope().id, runAt: clock.now }, // never stored: skipped
    ]);
    expect(replayed).toEqual([first.id, second.id]);
    expect(await queue.status(first.id)).toMatchObject({ state: 'queued', attempt: 0 });
    expect(await queue.status(second.id)).toMatchObject({ state: 'scheduled', runAt: clock.now + 5_000 });
  });
});

describe('the sweep', () => {
  it('drops index entries of expired records and finished entries past the result TTL', async () => {
    const [kept, gone] = tasks(2);
    await queue.enqueue([kept, gone] as TaskEnvelope[]);
    await queue.cancel(gone?.id ?? '');
    clock.now += 120_000; // past the result TTL: the cancelled record has expired in Redis's eyes too
    await stack.client().del(queue.keys.task(gone?.id ?? ''));
    expect(await ops.sweep()).toBe(1);
    expect((await ops.listTasks({ limit: 10 })).tasks.map((task) => task.id)).toEqual([kept?.id]);
    expect((await ops.countStates()).cancelled).toBe(0);
  });

  it('never looks at entries younger than the result TTL, and rests an hour after each cycle', async () => {
    const [young, later] = tasks(2);
    await queue.enqueue([young, later] as TaskEnvelope[]);
    const dropRecord = (task: TaskEnvelope | undefined) =>
      stack.client().del(queue.keys.task(task?.id ?? ''));
    await dropRecord(young);
    expect(await ops.sweep()).toBe(0); // created within the TTL: its record cannot have expired yet
    clock.now += 61_000;
    expect(await ops.sweep()).toBe(0); // the cycle found no old entries and rests
    clock.now += 3_600_000;
    expect(await ops.sweep()).toBe(1);
    await dropRecord(later);
    expect(await ops.sweep()).toBe(0);
    clock.now += 3_600_000;
    expect(await ops.sweep()).toBe(1);
    expect((await ops.listTasks({ limit: 10 })).tasks).toEqual([]);
  });
});
