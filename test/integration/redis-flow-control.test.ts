import { randomBytes } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ioredisTransport } from '../../lib/queue/redis/ioredis-transport.js';
import { RedisTaskQueue } from '../../lib/queue/redis/redis-task-queue.js';
import type { TaskEnvelope } from '../../lib/tasks/task-envelope.js';
import { makeEnvelope } from '../support/envelopes.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';

let server: RedisServer;
let tcp: IORedis;
let queue: RedisTaskQueue;

beforeAll(async () => {
  server = await startRedisServer();
  tcp = new IORedis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
  await tcp.connect();
});
afterAll(async () => {
  tcp?.disconnect();
  await server?.stop();
});
beforeEach(() => {
  queue = new RedisTaskQueue({
    redis: ioredisTransport(tcp),
    queueName: `q-${randomBytes(4).toString('hex')}`,
    idempotencyTtlMs: 60_000,
    resultTtlMs: 60_000,
  });
});

const limited = (key: string, limit: number, count: number): TaskEnvelope[] =>
  Array.from({ length: count }, () => makeEnvelope({ limits: { concurrency: { key, limit } } }));
const claim = () => queue.claim({ max: 50, leaseMs: 30_000, consumerId: 'test-consumer', slotTtlMs: 60_000 });

describe('concurrency limits in the Redis claim', () => {
  it('parks a full key and goes on leasing the keys behind it', async () => {
    await queue.enqueue([...limited('a', 2, 5), ...limited('b', 2, 2)]);
    const lease = await claim();
    expect(lease.tasks).toHaveLength(4);
    expect(lease.throttled).toBe(3);
  });

  it('lets back as many waiting tasks as an ack frees slots, once each', async () => {
    await queue.enqueue(limited('a', 2, 6));
    let lease = await claim();
    expect([lease.tasks.length, lease.throttled]).toEqual([2, 4]);
    for (const round of [1, 2]) {
      await queue.complete(
        lease.token,
        lease.tasks.map((task) => ({ id: task.id })),
      );
      lease = await claim();
      // Exactly the two freed slots' worth came back to ready, so nothing is parked a second time.
      expect([round, lease.tasks.length, lease.throttled]).toEqual([round, 2, 0]);
    }
    await queue.complete(
      lease.token,
      lease.tasks.map((task) => ({ id: task.id })),
    );
    expect((await claim()).tasks).toHaveLength(0);
  });
});
