import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tasks } from '../../functions/tasks.js';
import { createConsumeHandler } from '../../lib/handlers/consume-handler.js';
import { silentLogger } from '../../lib/observability/logger.js';
import { createSqsClient, toQueuePorts } from '../../lib/queue/index.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import { type LocalStack, sqsPollQueue, startLocalStack, startSqsEventSource } from '../../local/index.js';
import { localStackApi } from '../support/local-stack-api.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';
import { waitFor } from '../support/wait-for.js';

// Time without servers: the local stack at its defaults (the reconciler once a minute), nothing awake
// between events. Every start below must come from a wake-up, since the reconciler's first pass is a
// minute away; each test finishes well inside that minute.

let redis: RedisServer;
let receiver: TimedReceiver;
let stack: LocalStack;

beforeAll(async () => {
  redis = await startRedisServer();
  receiver = await startTimedReceiver();
  stack = await startLocalStack({
    tasks,
    env: {
      PORT: '0',
      REDIS_URL: redis.url,
      TANDEM_HTTP_ALLOWED_HOSTS: '127.0.0.1',
      QUEUE_NAME: `wake-${randomBytes(4).toString('hex')}`,
    },
    logger: silentLogger,
    print: () => {},
  });
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
  await redis?.stop();
});

describe('wake-ups, with the reconciler at its default period', () => {
  it('starts a delayed task within a second of its due time, on the Redis path', async () => {
    const path = receiver.path('delayed');
    const enqueuedAt = Date.now();
    const { body } = await api('POST', '/tasks', { ...httpTask(path), delaySeconds: 2 });
    expect(body).toMatchObject({ state: 'scheduled', via: 'redis' });

    await waitFor(() => receiver.hits(path).length === 1, 'the delayed task to start', { timeoutMs: 10_000 });
    const late = (receiver.hits(path)[0] as number) - (enqueuedAt + 2_000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
  });

  it('retries a failed webhook after its backoff (0.5 to 1 s), not at the next reconcile', async () => {
    const path = receiver.path('retried');
    receiver.answer(path, [503, 200]);
    const { body } = await api('POST', '/tasks', httpTask(path));

    await waitFor(() => receiver.hits(path).length === 2, 'the retry', { timeoutMs: 10_000 });
    const [first, second] = receiver.hits(path) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(450);
    expect(second - first).toBeLessThan(2_000);
    await waitFor(async () => (await api('GET', `/tasks/${body.id}`)).body.state === 'succeeded', 'success');
  });

  it('knows a task accepted via SQS within 5 s of Redis returning, cancels it, and runs its sibling on time', async () => {
    const kept = receiver.path('sqs-kept');
    const cancelled = receiver.path('sqs-cancelled');
    redis.pause();
    let enqueuedAt: number;
    let keptId: string;
    let cancelledId: string;
    try {
      // The first enqueue of the stall times out (and Redis may still apply it once it wakes: a task in
      // both queues); it opens the breaker, so the two below never reach Redis: known to SQS alone.
      const opener = await api('POST', '/tasks', { type: 'echo', payload: { message: 'opens the breaker' } });
      expect(opener.body.via).toBe('sqs');
      enqueuedAt = Date.now();
      const first = await api('POST', '/tasks', { ...httpTask(kept), delaySeconds: 4 });
      const second = await api('POST', '/tasks', { ...httpTask(cancelled), delaySeconds: 5 });
      expect([first.body.via, second.body.via]).toEqual(['sqs', 'sqs']);
      keptId = first.body.id;
      cancelledId = second.body.id;
      expect((await api('GET', `/tasks/${keptId}`)).status).toBe(503);
    } finally {
      redis.resume();
    }
    const back = Date.now();
    await waitFor(async () => (await api('GET', `/tasks/${keptId}`)).status === 200, 'the status', {
      timeoutMs: 5_000,
    });
    expect(Date.now() - back).toBeLessThan(5_000);
    expect((await api('GET', `/tasks/${keptId}`)).body).toMatchObject({ state: 'scheduled', via: 'sqs' });
    expect(await api('DELETE', `/tasks/${cancelledId}`)).toMatchObject({
      status: 200,
      body: { state: 'cancelled' },
    });

    await waitFor(() => receiver.hits(kept).length === 1, 'the kept task to run', { timeoutMs: 10_000 });
    const late = (receiver.hits(kept)[0] as number) - (enqueuedAt + 4_000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
    await waitFor(async () => (await api('GET', `/tasks/${keptId}`)).body.state === 'succeeded', 'success');
    // The cancelled one's delivery came (due 1 s after the kept one) and was dropped, not run.
    await waitFor(() => Date.now() > enqueuedAt + 7_000, 'its due time to pass', { timeoutMs: 10_000 });
    expect(receiver.hits(cancelled)).toEqual([]);
    expect((await api('GET', `/tasks/${cancelledId}`)).body.state).toBe('cancelled');
  });
});

function httpTask(path: string) {
  return { type: 'http', payload: { url: receiver.url(path), body: { at: Date.now() } } };
}

const api = (method: string, path: string, body?: unknown) => localStackApi(stack, method, path, body);

interface TimedReceiver {
  url(path: string): string;
  path(label: string): string;
  /** The statuses to answer, in order; 200 once they run out. */
  answer(path: string, statuses: number[]): void;
  /** When each request arrived (epoch ms). */
  hits(path: string): number[];
  close(): Promise<void>;
}

async function startTimedReceiver(): Promise<TimedReceiver> {
  const hits = new Map<string, number[]>();
  const answers = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const arrived = Date.now();
    req.resume();
    req.on('end', () => {
      hits.set(path, [...(hits.get(path) ?? []), arrived]);
      res.statusCode = answers.get(path)?.shift() ?? 200;
      res.end('done');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    path: (label) => `/${label}/${randomBytes(4).toString('hex')}`,
    answer: (path, statuses) => answers.set(path, [...statuses]),
    hits: (path) => hits.get(path) ?? [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('a consumer that dies holding a lease', () => {
  let harness: TandemHarness;
  beforeAll(async () => {
    harness = await startTandemHarness();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('is replaced when its lease ends: the claim armed a wake-up for that moment', async () => {
    const started: number[] = [];
    const runtime = await harness.runtime({
      env: { LEASE_MS: '3000' },
      tasks: [
        defineTask({
          type: 'record',
          schema: z.unknown(),
          handler: async () => {
            started.push(Date.now());
          },
        }),
      ],
    });
    await runtime.enqueue({ type: 'record', payload: null });
    // The zombie: a consumer that claims through the same ports, then is never heard of again.
    const ports = toQueuePorts(runtime.adapters, {
      retryAfterSeconds: 1,
      enqueueTimeoutMs: { redis: 150, sqs: 2000 },
    });
    const lease = await ports.redis.claim({ max: 1, leaseMs: 3_000, consumerId: 'zombie', slotTtlMs: 3_000 });
    expect(lease.tasks).toHaveLength(1);
    const leaseEnds = lease.expiresAt;

    const client = createSqsClient({
      region: 'us-east-1',
      timeoutMs: 5_000,
      endpoint: harness.sqs.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const source = startSqsEventSource({
      queue: sqsPollQueue(client, runtime.queueUrls.taskQueueUrl),
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:tasks',
      handler: (event, context) => createConsumeHandler(() => runtime)(event, context),
      logger: silentLogger,
      waitSeconds: 1,
    });
    try {
      await waitFor(() => started.length === 1, 'the task to run again', { timeoutMs: 15_000 });
      const late = (started[0] as number) - leaseEnds;
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(5_000);
      await waitFor(
        async () => (await runtime.status(lease.tasks[0]?.id ?? ''))?.state === 'succeeded',
        'success',
      );
      expect((await runtime.status(lease.tasks[0]?.id ?? ''))?.attempt).toBe(2);
    } finally {
      await source.stop();
      client.destroy();
    }
  });
});
