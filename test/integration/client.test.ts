import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createTandemClient,
  TandemAuthError,
  type TandemClient,
  TandemConflictError,
  TandemNetworkError,
  TandemNotFoundError,
  TandemTimeoutError,
  type TaskStatus,
} from '../../lib/client/index.js';
import { silentLogger } from '../../lib/observability/logger.js';
import { defineTask, UnrecoverableTaskError } from '../../lib/tasks/index.js';
import { type LocalStack, startLocalStack } from '../../local/index.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

// The HTTP API end to end through the client: the local stack in process on loopback, with its own
// redis-server and embedded SQS, and a task type whose `fragile` runs die until the test heals them.

let healed = false;
const echoTask = defineTask({
  type: 'client-echo',
  schema: z.object({ value: z.string(), fragile: z.boolean().default(false) }),
  retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  timeoutMs: 5_000,
  handler: async ({ value, fragile }) => {
    if (fragile && !healed) throw new UnrecoverableTaskError('not healed yet');
    return { echoed: value };
  },
});

let redis: RedisServer;
let stack: LocalStack;
let tandem: TandemClient;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startLocalStack({
    env: {
      PORT: '0',
      REDIS_URL: redis.url,
      RECONCILE_EVERY_MS: '500',
      // This file tests the client, not failover: a Redis deadline far above the 150 ms default keeps a
      // busy machine (other suites running) from opening the breaker and sending tasks to SQS.
      REDIS_TIMEOUT_MS: '2000',
      BREAKER_COOLDOWN_MS: '200',
      TANDEM_HTTP_ALLOWED_HOSTS: '127.0.0.1',
      QUEUE_NAME: `client-${randomBytes(4).toString('hex')}`,
    },
    tasks: [echoTask],
    logger: silentLogger,
    print: () => {},
    eventSource: { waitSeconds: 1 },
  });
  tandem = createTandemClient({ url: stack.url, token: stack.token });
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const stateOf = async (id: string) => (await tandem.getTask(id))?.state;
const settled = (id: string, state: TaskStatus['state']) =>
  waitFor(async () => (await stateOf(id)) === state, `task ${id} to be ${state}`);

describe('createTandemClient against the local stack', () => {
  it('reports both backends up', async () => {
    const health = await tandem.health();
    expect(health).toMatchObject({ redis: { ok: true, breaker: 'closed' }, sqs: { ok: true } });
    const queues = await tandem.queues();
    expect(queues.redis.available).toBe(true);
    expect(queues.sqs.available).toBe(true);
  });

  it('enqueues a task, sees it succeed with its result, and deduplicates by idempotency key', async () => {
    const key = `echo-${randomBytes(4).toString('hex')}`;
    const receipt = await tandem.enqueue(echoTask, { value: 'hello' }, { idempotencyKey: key });
    expect(receipt).toMatchObject({ state: 'queued', via: 'redis', duplicate: false });

    await settled(receipt.id, 'succeeded');
    const status = await tandem.getTask(receipt.id);
    expect(status).toMatchObject({
      id: receipt.id,
      type: 'client-echo',
      attempt: 1,
      result: { echoed: 'hello' },
    });
    expect(new Date(status?.createdAt ?? '').toISOString()).toBe(status?.createdAt);

    const again = await tandem.enqueue(echoTask, { value: 'hello' }, { idempotencyKey: key });
    expect(again).toMatchObject({ id: receipt.id, duplicate: true });
  });

  it('answers null for an unknown id, and for one no task could have', async () => {
    expect(await tandem.getTask(`unknown-${randomBytes(4).toString('hex')}`)).toBeNull();
    expect(await tandem.getTask('not/a task?id')).toBeNull();
  });

  it('cancels a task that is not due yet, given as runAt or delaySeconds', async () => {
    const runAt = new Date(Date.now() + 60_000);
    const later = await tandem.enqueue(echoTask, { value: 'later' }, { runAt });
    const delayed = await tandem.enqueue('client-echo', { value: 'delayed' }, { delaySeconds: 60 });
    for (const receipt of [later, delayed]) {
      expect(receipt.state).toBe('scheduled');
      expect(await tandem.cancel(receipt.id)).toEqual({ id: receipt.id, state: 'cancelled' });
      expect(await stateOf(receipt.id)).toBe('cancelled');
    }
    expect((await tandem.getTask(later.id))?.runAt).toBe(runAt.toISOString());
  });

  it('refuses to cancel a finished task with TandemConflictError', async () => {
    const { id } = await tandem.enqueue(echoTask, { value: 'done' });
    await settled(id, 'succeeded');
    const error = await tandem.cancel(id).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemConflictError);
    expect(error).toMatchObject({ status: 409, code: 'conflict' });
    expect(await stateOf(id)).toBe('succeeded');
  });

  it('lists dead tasks, replays them one by one or by ids, and they then succeed', async () => {
    const first = await tandem.enqueue(echoTask, { value: 'first', fragile: true });
    const second = await tandem.enqueue(echoTask, { value: 'second', fragile: true });
    await settled(first.id, 'dead');
    await settled(second.id, 'dead');
    expect((await tandem.getTask(first.id))?.lastError).toMatch(/not healed yet/);

    const { tasks, redisReachable } = await tandem.listDead({ limit: 10 });
    expect(redisReachable).toBe(true);
    const dead = tasks.find((task) => task.id === first.id);
    expect(dead).toMatchObject({
      type: 'client-echo',
      foundIn: ['redis'],
      lastError: expect.stringMatching(/not healed yet/),
    });
    expect(Date.parse(dead?.diedAt ?? '')).toBeGreaterThan(0);
    expect(tasks.map((task) => task.id)).toContain(second.id);

    await expect(tandem.replay(`unknown-${randomBytes(4).toString('hex')}`)).rejects.toBeInstanceOf(
      TandemNotFoundError,
    );
    healed = true;
    expect(await tandem.replay(first.id)).toEqual({ replayed: [first.id] });
    expect(await tandem.replayAll({ ids: [second.id] })).toMatchObject({ replayed: [second.id], count: 1 });
    await settled(first.id, 'succeeded');
    await settled(second.id, 'succeeded');
    expect((await tandem.getTask(second.id))?.result).toEqual({ echoed: 'second' });
    const after = await tandem.listDead();
    expect(after.tasks.map((task) => task.id)).not.toContain(first.id);
  });

  it('stores the good items of a batch and reports the bad one', async () => {
    const results = await tandem.enqueueBatch([
      { task: echoTask, payload: { value: 'a' } },
      { task: 'client-echo', payload: { value: 42 } },
      { task: echoTask, payload: { value: 'c' }, options: { priority: 0 } },
    ]);
    expect(results).toEqual([
      expect.objectContaining({ state: 'queued', via: 'redis', duplicate: false }),
      { error: expect.objectContaining({ code: 'invalid_task', issues: expect.any(Array) }) },
      expect.objectContaining({ state: 'queued', via: 'redis', duplicate: false }),
    ]);
    for (const result of [results[0], results[2]]) {
      if (result === undefined || 'error' in result) throw new Error('expected a receipt');
      await settled(result.id, 'succeeded');
    }
  });

  it('throws TandemAuthError for a wrong token', async () => {
    const stranger = createTandemClient({ url: stack.url, token: 'not-the-token-0123456789' });
    const error = await stranger.health().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemAuthError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});

describe('createTandemClient with no answer', () => {
  let silent: Server;
  let silentUrl: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers: a stalled API.
    silent = createServer((socket) => sockets.add(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent?.close(() => resolve()));
  });

  it('times out against a server that never answers', async () => {
    const client = createTandemClient({ url: silentUrl, token: stack.token, timeoutMs: 200 });
    const started = Date.now();
    await expect(client.enqueue(echoTask, { value: 'x' })).rejects.toBeInstanceOf(TandemTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('throws TandemNetworkError when nothing listens', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = createTandemClient({ url: `http://127.0.0.1:${port}`, token: stack.token });
    const error = await client.getTask('t-1').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemNetworkError);
    expect(error).not.toBeInstanceOf(TandemTimeoutError);
    expect((error as Error).cause).toBeDefined();
  });
});
