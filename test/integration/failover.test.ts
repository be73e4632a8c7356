import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnqueueUnavailableError } from '../../lib/queue/errors.js';
import { FailoverProducer } from '../../lib/queue/failover/failover-producer.js';
import { GuardedTaskQueue } from '../../lib/queue/guard/guarded-task-queue.js';
import { RedisGuard } from '../../lib/queue/guard/redis-guard.js';
import { RedisTaskQueue } from '../../lib/queue/redis/redis-task-queue.js';
import { makeEnvelope } from '../support/envelopes.js';
import { type HarnessRuntime, startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';
import { waitFor } from '../support/wait-for.js';
import { isWakeBody } from '../support/wake-messages.js';

const REDIS_TIMEOUT_MS = 150;
const SQS_TIMEOUT_MS = 2_000;
const COOLDOWN_MS = 500;

let harness: TandemHarness;
beforeAll(async () => {
  harness = await startTandemHarness();
});
afterAll(async () => {
  await harness?.stop();
});

const fastFailover = () =>
  harness.runtime({
    env: {
      REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
      SQS_TIMEOUT_MS: String(SQS_TIMEOUT_MS),
      BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
    },
  });

const echo = (message = 'hi') => ({
  type: 'http',
  payload: { url: 'http://127.0.0.1:9/hook', body: message },
});

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

/** What the SQS task queue holds, read without receiving. */
async function sqsTaskIds(runtime: HarnessRuntime): Promise<string[]> {
  const { messages } = await harness.sqs.inspect(runtime.queueUrls.taskQueueUrl);
  const all = [...messages.ready, ...messages.delayed, ...messages.inflight.map((entry) => entry.message)];
  return all
    .filter((message) => !isWakeBody(message.body))
    .map((message) => JSON.parse(message.body).id as string);
}

describe('failover to SQS', () => {
  it('a stalled Redis costs one deadline, then the breaker skips it until the cooldown, then traffic returns', async () => {
    const runtime = await fastFailover();
    expect((await runtime.enqueue(echo())).via).toBe('redis');

    harness.stack.server.pause();
    try {
      const first = await timed(runtime.enqueue(echo('during outage')));
      expect(first.value.via).toBe('sqs');
      expect(first.ms).toBeLessThan(REDIS_TIMEOUT_MS + SQS_TIMEOUT_MS);
      expect(runtime.adapters.guard.state).toBe('open');
      expect(await sqsTaskIds(runtime)).toEqual([first.value.id]);

      // Open: no request reaches Redis at all.
      harness.stack.bridge.resetStats();
      for (let i = 0; i < 5; i++) expect((await runtime.enqueue(echo())).via).toBe('sqs');
      expect(harness.stack.bridge.stats.requests).toBe(0);
    } finally {
      harness.stack.server.resume();
    }
    await waitFor(
      async () => (await runtime.enqueue(echo('after'))).via === 'redis',
      'traffic back on Redis',
      {
        timeoutMs: 5_000,
        intervalMs: 100,
      },
    );
    expect(runtime.adapters.guard.state).toBe('closed');
  });

  it('Redis refusing connections (killed) fails over at once', async () => {
    const runtime = await fastFailover();
    await runtime.enqueue(echo());
    await harness.stack.server.kill('SIGKILL');
    try {
      const receipt = await timed(runtime.enqueue(echo()));
      expect(receipt.value).toMatchObject({ via: 'sqs', duplicate: false, state: 'queued' });
      expect(receipt.ms).toBeLessThan(REDIS_TIMEOUT_MS + SQS_TIMEOUT_MS);
      expect(await sqsTaskIds(runtime)).toContain(receipt.value.id);
    } finally {
      await harness.stack.server.restart();
      await waitFor(() => harness.stack.bridge.isRedisReady(), 'the bridge to reconnect');
    }
  });

  it('Redis answering errors (OOM, writes refused) fails over', async () => {
    const runtime = await fastFailover();
    const control = new IORedis(harness.stack.server.url);
    try {
      await control.config('SET', 'maxmemory-policy', 'noeviction');
      await control.config('SET', 'maxmemory', '1');
      const receipt = await runtime.enqueue(echo());
      expect(receipt.via).toBe('sqs');
      expect(await runtime.adapters.redis.status(receipt.id).catch(() => null)).toBeNull();
    } finally {
      await control.config('SET', 'maxmemory', '0');
      control.disconnect();
    }
  });

  it('a Redis call that is aborted and answers null never yields a Redis receipt', async () => {
    const runtime = await fastFailover();
    // The measured trap: with a shared AbortSignal instance that has fired, the Upstash client resolves
    // `null` for every command instead of throwing.
    const fired = AbortSignal.abort();
    const lyingClient = new UpstashRedis({
      url: harness.stack.bridge.url,
      token: harness.stack.bridge.token,
      retry: { retries: 0 },
      enableAutoPipelining: false,
      automaticDeserialization: false,
      signal: fired,
    });
    expect(await lyingClient.get('anything')).toBeNull();

    const queue = new RedisTaskQueue({
      redis: lyingClient,
      queueName: runtime.config.queue.name,
      idempotencyTtlMs: 60_000,
      resultTtlMs: 60_000,
    });
    const guard = new RedisGuard({ failureThreshold: 3, cooldownMs: 1_000, timeoutMs: REDIS_TIMEOUT_MS });
    const producer = new FailoverProducer({
      primary: new GuardedTaskQueue(queue, guard),
      fallback: runtime.adapters.sqs.tasks,
      fallbackTimeoutMs: SQS_TIMEOUT_MS,
    });
    const task = makeEnvelope({ type: 'http', payload: { url: 'http://127.0.0.1:9/' } });
    const { receipts } = await producer.enqueue([task]);
    expect(receipts).toEqual([{ id: task.id, state: 'queued', duplicate: false, via: 'sqs' }]);
    expect(await runtime.adapters.redis.status(task.id)).toBeNull();
    expect(await sqsTaskIds(runtime)).toEqual([task.id]);
  });

  it('with both down, enqueue throws EnqueueUnavailableError and nothing claims success', async () => {
    const runtime = await fastFailover();
    harness.stack.server.pause();
    await harness.sqs.pause();
    try {
      const attempt = timed(runtime.enqueue(echo()));
      const error = await attempt.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(EnqueueUnavailableError);
      expect((error as EnqueueUnavailableError).retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      harness.stack.server.resume();
      await harness.sqs.resume();
    }
    expect(await sqsTaskIds(runtime)).toEqual([]);
  });

  it('bad input never fails over: it is refused before anything is stored', async () => {
    const runtime = await fastFailover();
    await expect(runtime.enqueue({ type: 'no-such-type', payload: {} })).rejects.toThrow(/unknown task type/);
    await expect(runtime.enqueue({ type: 'http', payload: { url: 'ftp://x' } })).rejects.toThrow();
    expect((await runtime.adapters.redis.depths()).ready.depth).toBe(0);
    expect(await sqsTaskIds(runtime)).toEqual([]);
  });
});
