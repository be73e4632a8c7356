import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiApp } from '../../lib/api/index.js';
import { type ApiHandler, createApiHandler } from '../../lib/handlers/api-handler.js';
import { defineTask } from '../../lib/tasks/define-task.js';
import { UnrecoverableTaskError } from '../../lib/tasks/errors.js';
import { type ApiGatewayRequest, apiGatewayEvent } from '../support/api-gateway-event.js';
import {
  type HarnessRuntime,
  startTandemHarness,
  type TandemHarness,
  TEST_API_TOKEN,
} from '../support/tandem-harness.js';
import { isWakeBody } from '../support/wake-messages.js';

const doomed = defineTask({
  type: 'doomed',
  schema: z.object({ reason: z.string() }),
  handler: async ({ reason }) => {
    throw new UnrecoverableTaskError(reason);
  },
});

const perTenant = defineTask({
  type: 'per-tenant',
  schema: z.object({ tenant: z.string() }),
  concurrency: { limit: 2, key: ({ tenant }) => tenant },
  handler: async () => {},
});

const echo = (message = 'hello') => ({ type: 'doomed', payload: { reason: message } });
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let harness: TandemHarness;
beforeAll(async () => {
  harness = await startTandemHarness();
});
afterAll(async () => {
  await harness?.stop();
});

interface ApiResponse {
  status: number;
  headers: Record<string, string | number | boolean>;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
  body: any;
}

interface CallOptions extends ApiGatewayRequest {
  /** `null` sends no Authorization header; default: the harness's valid token. */
  token?: string | null;
}

/** A runtime on its own queues, and its Lambda handler, called with API Gateway HTTP API events. */
async function setup(env: Record<string, string> = {}) {
  const runtime = await harness.runtime({ env, tasks: [doomed, perTenant] });
  const api: ApiHandler = createApiHandler(() => runtime);
  const call = async ({
    token = TEST_API_TOKEN,
    headers = {},
    ...request
  }: CallOptions): Promise<ApiResponse> => {
    const result = await api(
      apiGatewayEvent({
        ...request,
        headers: {
          ...(token !== null && { authorization: `Bearer ${token}` }),
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
          ...headers,
        },
      }),
    );
    const contentType = String(result.headers?.['content-type'] ?? '');
    return {
      status: result.statusCode ?? 0,
      headers: result.headers ?? {},
      body: contentType.startsWith('application/json') ? JSON.parse(result.body ?? '') : result.body,
    };
  };
  return { runtime, call };
}

/** Every task either backend holds, in any state: what "nothing stored" is checked against. */
async function storedTaskCount(runtime: HarnessRuntime): Promise<number> {
  const redis = await runtime.adapters.redis.depths();
  const inRedis = redis.ready.depth + redis.delayed.depth + redis.active.depth + redis.dead.depth;
  return inRedis + (await sqsTaskIds(runtime)).length;
}

async function sqsTaskIds(runtime: HarnessRuntime): Promise<string[]> {
  const { messages } = await harness.sqs.inspect(runtime.queueUrls.taskQueueUrl);
  const all = [...messages.ready, ...messages.delayed, ...messages.inflight.map((entry) => entry.message)];
  return all
    .filter((message) => !isWakeBody(message.body))
    .map((message) => JSON.parse(message.body).id as string);
}

describe('HTTP API through the Lambda adapter (API Gateway HTTP API v2 events)', () => {
  it('POST /tasks answers 202 once stored; GET /tasks/{id} then shows it', async () => {
    const { runtime, call } = await setup();
    const created = await call({ method: 'POST', path: '/tasks', body: { ...echo(), priority: 3 } });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ id: expect.any(String), state: 'queued', via: 'redis', duplicate: false });
    expect(created.headers['x-request-id']).toEqual(expect.any(String));

    const status = await call({ method: 'GET', path: `/tasks/${created.body.id}` });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      id: created.body.id,
      type: 'doomed',
      state: 'queued',
      via: 'redis',
      attempt: 0,
      maxAttempts: expect.any(Number),
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      runAt: expect.stringMatching(ISO),
      payload: echo().payload,
      priority: 3,
    });
    expect((await runtime.adapters.redis.depths()).ready.depth).toBe(1);
  });

  it('takes a limit key at enqueue for a limited type, and refuses one for a type without limits (422, nothing stored)', async () => {
    const { runtime, call } = await setup();
    const limited = { type: 'per-tenant', payload: { tenant: 'acme' }, concurrencyKey: 'shared' };
    expect((await call({ method: 'POST', path: '/tasks', body: limited })).status).toBe(202);

    const refused = await call({ method: 'POST', path: '/tasks', body: { ...echo(), concurrencyKey: 'k' } });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toMatch(/declares no concurrency limit/);
    expect(await storedTaskCount(runtime)).toBe(1);
  });

  it('passes the X-Ray trace id into the stored task, and reads a base64-encoded body', async () => {
    const { runtime, call } = await setup();
    const created = await call({
      method: 'POST',
      path: '/tasks',
      body: { ...echo(), id: 'trace-me' },
      base64: true,
      headers: {
        'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1',
      },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ id: 'trace-me', state: 'queued' });
    const lease = await runtime.adapters.redis.claim({
      max: 1,
      leaseMs: 5_000,
      consumerId: 'test',
      slotTtlMs: 5_000,
    });
    expect(lease.tasks).toEqual([
      expect.objectContaining({ id: 'trace-me', traceId: '1-67891233-abcdef012345678912345678' }),
    ]);
  });

  it('schedules a task at an ISO runAt and shows the same instant back', async () => {
    const { call } = await setup();
    const runAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await call({ method: 'POST', path: '/tasks', body: { ...echo(), runAt } });
    expect(created.body.state).toBe('scheduled');
    expect((await call({ method: 'GET', path: `/tasks/${created.body.id}` })).body.runAt).toBe(runAt);
  });

  it('POST /tasks/batch stores the valid tasks and answers the invalid ones per item', async () => {
    const { runtime, call } = await setup();
    const response = await call({
      method: 'POST',
      path: '/tasks/batch',
      body: {
        tasks: [echo('a'), { type: 'no-such-type', payload: {} }, echo('b'), { ...echo(), payload: {} }],
      },
    });
    expect(response.status).toBe(202);
    const [a, unknown, b, badPayload] = response.body.results;
    expect(a).toEqual({ id: expect.any(String), state: 'queued', via: 'redis', duplicate: false });
    expect(b).toEqual({ id: expect.any(String), state: 'queued', via: 'redis', duplicate: false });
    expect(unknown.error).toMatchObject({
      code: 'invalid_task',
      issues: [expect.objectContaining({ path: ['type'] })],
    });
    expect(badPayload.error).toMatchObject({
      code: 'invalid_task',
      issues: [expect.objectContaining({ path: ['payload', 'reason'] })],
    });
    expect(await storedTaskCount(runtime)).toBe(2);
    for (const { id } of [a, b])
      expect((await call({ method: 'GET', path: `/tasks/${id}` })).status).toBe(200);
  });

  it('the same idempotency key twice returns the first id, marked duplicate, and stores one task', async () => {
    const { runtime, call } = await setup();
    const task = { ...echo(), idempotencyKey: 'order-42' };
    const first = await call({ method: 'POST', path: '/tasks', body: task });
    const second = await call({
      method: 'POST',
      path: '/tasks',
      body: { ...task, payload: { reason: 'other' } },
    });
    expect(first.body.duplicate).toBe(false);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ id: first.body.id, duplicate: true });
    expect(await storedTaskCount(runtime)).toBe(1);
  });

  it('refuses every route without a token or with a wrong one (401), storing nothing', async () => {
    const { runtime, call } = await setup();
    const queued = await call({ method: 'POST', path: '/tasks', body: echo() });
    const requests: ApiGatewayRequest[] = [
      { method: 'POST', path: '/tasks', body: echo() },
      { method: 'POST', path: '/tasks/batch', body: { tasks: [echo()] } },
      { method: 'GET', path: `/tasks/${queued.body.id}` },
      { method: 'DELETE', path: `/tasks/${queued.body.id}` },
      { method: 'GET', path: '/health' },
      { method: 'GET', path: '/queues' },
      { method: 'GET', path: '/dead', query: 'limit=5' },
      { method: 'POST', path: `/dead/${queued.body.id}/replay` },
      { method: 'POST', path: '/dead/replay', body: {} },
      { method: 'GET', path: '/no-such-route' },
    ];
    for (const request of requests) {
      for (const token of [null, 'wrong-token-0123456789abcdef', `${TEST_API_TOKEN}x`, '']) {
        const response = await call({ ...request, token });
        expect(response.status, `${request.method} ${request.path} with ${token}`).toBe(401);
        expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      }
    }
    expect(await storedTaskCount(runtime)).toBe(1);
    expect((await call({ method: 'GET', path: `/tasks/${queued.body.id}` })).body.state).toBe('queued');
  });

  it.each([
    ['an unknown type', { type: 'no-such-type', payload: {} }, ['type']],
    ['a payload that fails its schema', { type: 'doomed', payload: { reason: 42 } }, ['payload', 'reason']],
    ['a bad date', { ...echo(), runAt: 'tomorrow' }, ['runAt']],
    ['a date without an offset', { ...echo(), runAt: '2030-01-01T10:00:00' }, ['runAt']],
    ['both delaySeconds and runAt', { ...echo(), delaySeconds: 5, runAt: '2030-01-01T10:00:00Z' }, ['runAt']],
    ['an unknown field', { ...echo(), colour: 'red' }, []],
    ['a negative delay', { ...echo(), delaySeconds: -1 }, ['delaySeconds']],
  ])('answers 422 invalid_task for %s, with the zod issues, storing nothing', async (_label, body, path) => {
    const { runtime, call } = await setup();
    const response = await call({ method: 'POST', path: '/tasks', body });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'invalid_task', message: expect.any(String) });
    expect(response.body.error.issues).toContainEqual(expect.objectContaining({ path }));
    expect(await storedTaskCount(runtime)).toBe(0);
    expect((await runtime.adapters.sqs.depths()).tasks).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('answers 400 for malformed JSON, 415 for another content type, 413 over 256 KiB, storing nothing', async () => {
    const { runtime, call } = await setup();
    const malformed = await call({ method: 'POST', path: '/tasks', body: '{"type": "doomed", ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');

    const form = await call({
      method: 'POST',
      path: '/tasks',
      body: 'type=doomed',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('unsupported_media_type');

    const big = { ...echo('x'.repeat(256 * 1024)) };
    for (const path of ['/tasks', '/tasks/batch']) {
      const oversize = await call({ method: 'POST', path, body: path === '/tasks' ? big : { tasks: [big] } });
      expect(oversize.status).toBe(413);
      expect(oversize.body.error.code).toBe('payload_too_large');
    }
    expect(await storedTaskCount(runtime)).toBe(0);
  });

  it('answers 404 for an unknown task and an unknown route', async () => {
    const { call } = await setup();
    const unknown = await call({ method: 'GET', path: '/tasks/01HZZZZZZZZZZZZZZZZZZZZZZZ' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await call({ method: 'DELETE', path: '/tasks/nope' })).status).toBe(404);
    expect((await call({ method: 'GET', path: '/no-such-route' })).status).toBe(404);
  });

  it('DELETE cancels a queued task (200), then answers 409 since it is finished', async () => {
    const { runtime, call } = await setup();
    const { body } = await call({ method: 'POST', path: '/tasks', body: echo() });
    const cancelled = await call({ method: 'DELETE', path: `/tasks/${body.id}` });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ id: body.id, state: 'cancelled' });
    const again = await call({ method: 'DELETE', path: `/tasks/${body.id}` });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect((await call({ method: 'GET', path: `/tasks/${body.id}` })).body.state).toBe('cancelled');
    expect((await runtime.adapters.redis.depths()).ready.depth).toBe(0);
  });

  it('GET /health answers 200 with both paths up', async () => {
    const { call } = await setup();
    const health = await call({ method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      redis: { ok: true, latencyMs: expect.any(Number), breaker: 'closed' },
      sqs: { ok: true, latencyMs: expect.any(Number) },
    });
  });

  it('GET /queues reports depth and oldest age per Redis state and the SQS counts', async () => {
    const { call } = await setup();
    await call({ method: 'POST', path: '/tasks', body: echo() });
    await call({ method: 'POST', path: '/tasks', body: { ...echo(), delaySeconds: 600 } });
    const queues = await call({ method: 'GET', path: '/queues' });
    expect(queues.status).toBe(200);
    const depth = { depth: expect.any(Number), oldestAgeMs: expect.any(Number) };
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    expect(queues.body).toEqual({
      redis: {
        available: true,
        ready: depth,
        delayed: depth,
        active: depth,
        dead: depth,
        counts: {
          queued: 1,
          scheduled: 1,
          running: 0,
          succeeded: 0,
          failed: 0,
          dead: 0,
          cancelled: 0,
          exact: true,
        },
      },
      // On the task queue: the two wake-ups, one now (no consumer ran) and one for the delayed task.
      sqs: {
        available: true,
        tasks: { visible: 1, inFlight: 0, delayed: 1 },
        deadLetters: counts,
        journal: counts,
      },
    });
    expect(queues.body.redis.ready.depth).toBe(1);
    expect(queues.body.redis.delayed.depth).toBe(1);
  });

  it('lists a dead task and replays it, one by id and all at once', async () => {
    const { runtime, call } = await setup();
    const { body } = await call({ method: 'POST', path: '/tasks', body: echo('no way') });
    await runtime.drain(() => 60_000);

    const dead = await call({ method: 'GET', path: '/dead', query: 'limit=10' });
    expect(dead.status).toBe(200);
    expect(dead.body).toEqual({
      tasks: [
        {
          id: body.id,
          type: 'doomed',
          attempt: 1,
          lastError: expect.stringContaining('no way'),
          diedAt: expect.stringMatching(ISO),
          foundIn: ['redis'],
        },
      ],
      redisReachable: true,
    });
    expect((await call({ method: 'GET', path: `/tasks/${body.id}` })).body.state).toBe('dead');

    const replayed = await call({ method: 'POST', path: `/dead/${body.id}/replay` });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual({ replayed: [body.id] });
    expect((await call({ method: 'GET', path: `/tasks/${body.id}` })).body).toMatchObject({
      state: 'queued',
      attempt: 0,
    });
    expect((await call({ method: 'POST', path: `/dead/${body.id}/replay` })).status).toBe(404);

    await runtime.drain(() => 60_000);
    const all = await call({ method: 'POST', path: '/dead/replay' });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ replayed: [body.id], dryRun: false, count: 1 });
    expect((await call({ method: 'GET', path: '/dead' })).body.tasks).toEqual([]);
  });

  it('with Redis down: enqueue still answers 202 via SQS; reads and replays answer 503 with Retry-After', async () => {
    const { runtime, call } = await setup({ REDIS_TIMEOUT_MS: '100', BREAKER_COOLDOWN_MS: '60000' });
    harness.stack.server.pause();
    try {
      const started = performance.now();
      const created = await call({ method: 'POST', path: '/tasks', body: echo() });
      expect(performance.now() - started).toBeLessThan(100 + 2_000);
      expect(created.status).toBe(202);
      expect(created.body).toMatchObject({ via: 'sqs', duplicate: false });
      expect(await sqsTaskIds(runtime)).toEqual([created.body.id]);

      const status = await call({ method: 'GET', path: '/tasks/never-seen' });
      expect(status.status).toBe(503);
      expect(status.headers['retry-after']).toBe('60');
      expect(status.body.error.code).toBe('unavailable');
      expect((await call({ method: 'DELETE', path: `/tasks/${created.body.id}` })).status).toBe(503);
      expect((await call({ method: 'POST', path: '/dead/replay' })).status).toBe(503);

      const health = await call({ method: 'GET', path: '/health' });
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ redis: { ok: false, breaker: 'open' }, sqs: { ok: true } });
      const queues = await call({ method: 'GET', path: '/queues' });
      expect(queues.status).toBe(200);
      expect(queues.body.redis).toEqual({ available: false });
      expect(queues.body.sqs.available).toBe(true);
      const dead = await call({ method: 'GET', path: '/dead' });
      expect(dead.status).toBe(200);
      expect(dead.body).toEqual({ tasks: [], redisReachable: false });
    } finally {
      harness.stack.server.resume();
    }
  });

  it('with Redis and SQS both down: 503 with Retry-After, no receipt, and nothing stored', async () => {
    const { runtime, call } = await setup({
      REDIS_TIMEOUT_MS: '100',
      SQS_TIMEOUT_MS: '500',
      BREAKER_COOLDOWN_MS: '60000',
    });
    harness.stack.server.pause();
    try {
      // The first failover opens the breaker; the stalled Redis may still apply that one later.
      expect((await call({ method: 'POST', path: '/tasks', body: echo() })).body.via).toBe('sqs');
      await harness.sqs.pause();
      try {
        for (const [path, body] of [
          ['/tasks', { ...echo(), id: 'both-down-1' }],
          ['/tasks/batch', { tasks: [{ ...echo(), id: 'both-down-2' }] }],
        ] as const) {
          const started = performance.now();
          const response = await call({ method: 'POST', path, body });
          expect(performance.now() - started).toBeLessThan(100 + 500 + 500);
          expect(response.status).toBe(503);
          expect(response.headers['retry-after']).toEqual(expect.stringMatching(/^[1-9]\d*$/));
          // Breaker open (Redis skipped) and SQS refused outright: nothing can have been stored.
          expect(response.body).toEqual({
            error: {
              code: 'unavailable',
              message: expect.any(String),
              ids: [expect.any(String)],
              maybeStored: false,
            },
          });
        }
        const health = await call({ method: 'GET', path: '/health' });
        expect(health.status).toBe(503);
        expect(health.headers['retry-after']).toBe('60');
        const queues = await call({ method: 'GET', path: '/queues' });
        expect(queues.status).toBe(503);
        expect(queues.body).toEqual({ redis: { available: false }, sqs: { available: false } });
      } finally {
        await harness.sqs.resume();
      }
    } finally {
      harness.stack.server.resume();
    }
    const held = await sqsTaskIds(runtime);
    expect(held).toHaveLength(1);
    expect(held).not.toContain('both-down-1');
    expect(held).not.toContain('both-down-2');
    expect(await runtime.adapters.redis.status('both-down-1')).toBeNull();
    expect(await runtime.adapters.redis.status('both-down-2')).toBeNull();
  });
});

describe('HTTP API on the local server (@hono/node-server)', () => {
  it('serves the same app, and refuses a chunked upload over 256 KiB that declares no length', async () => {
    const { runtime } = await setup();
    const server = createAdaptorServer({ fetch: createApiApp(runtime).fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' };
    try {
      const created = await fetch(`${url}/tasks`, { method: 'POST', headers, body: JSON.stringify(echo()) });
      expect(created.status).toBe(202);

      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0)
            controller.enqueue(new TextEncoder().encode('{"type":"doomed","payload":{"reason":"'));
          if (sent >= 40) return controller.close();
          sent += 1;
          controller.enqueue(chunk);
        },
      });
      const oversize = await fetch(`${url}/tasks`, {
        method: 'POST',
        headers,
        body,
        duplex: 'half',
      } as RequestInit);
      expect(oversize.status).toBe(413);
      expect(await oversize.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(await storedTaskCount(runtime)).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
