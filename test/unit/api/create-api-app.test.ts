import { describe, expect, it } from 'vitest';
import { createApiApp } from '../../../lib/api/create-api-app.js';
import { EnqueueUnavailableError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import { validEmail } from '../fakes/email-task.js';
import { FAKE_TOKEN, fakeApiRuntime, fakeOps } from '../fakes/fake-api-runtime.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
const json = async (response: Response): Promise<any> => response.json();

const auth = { authorization: `Bearer ${FAKE_TOKEN}` };
const jsonHeaders = { ...auth, 'content-type': 'application/json' };
const email = { type: 'send-email', payload: validEmail };

function setup(overrides: Parameters<typeof fakeApiRuntime>[0] = {}) {
  const fake = fakeApiRuntime(overrides);
  const app = createApiApp(fake.runtime);
  const post = (path: string, body: unknown, headers: Record<string, string> = jsonHeaders) =>
    app.request(path, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { ...fake, app, post };
}

const routes: [string, string][] = [
  ['POST', '/tasks'],
  ['POST', '/tasks/batch'],
  ['GET', '/tasks/abc'],
  ['DELETE', '/tasks/abc'],
  ['GET', '/health'],
  ['GET', '/queues'],
  ['GET', '/dead'],
  ['POST', '/dead/abc/replay'],
  ['POST', '/dead/replay'],
  ['GET', '/no-such-route'],
];

describe('createApiApp', () => {
  it.each(routes)('%s %s refuses a request without a valid token', async (method, path) => {
    const { app, redis, sqs } = setup();
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }]) {
      const response = await app.request(path, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        ...(method === 'POST' && { body: JSON.stringify(email) }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await json(response)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    expect(redis.stored).toHaveLength(0);
    expect(sqs.stored).toHaveLength(0);
  });

  it('enqueues with the trace id from the tracing header', async () => {
    const { post, redis } = setup();
    const response = await post('/tasks', email, {
      ...jsonHeaders,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(response.status).toBe(202);
    const body = await json(response);
    expect(body).toEqual({ id: expect.any(String), state: 'queued', via: 'redis', duplicate: false });
    expect(redis.stored[0]).toMatchObject({ id: body.id, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('uses the request id as trace id when there is no tracing header, and sends it back', async () => {
    const { post, redis } = setup();
    const response = await post('/tasks', email);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(redis.stored[0]?.traceId).toBe(requestId);
  });

  it('answers 422 invalid_task with the zod issues, storing nothing', async () => {
    const { post, redis, sqs } = setup();
    const response = await post('/tasks', { type: 'send-email', payload: { to: 'nobody' } });
    expect(response.status).toBe(422);
    const body = await json(response);
    expect(body.error.code).toBe('invalid_task');
    expect(body.error.issues.map((issue: { path: unknown[] }) => issue.path)).toEqual(
      expect.arrayContaining([
        ['payload', 'to'],
        ['payload', 'subject'],
      ]),
    );
    expect(redis.stored).toHaveLength(0);
    expect(sqs.stored).toHaveLength(0);
  });

  it('answers 400 invalid_json, 415 and 413 before validating anything', async () => {
    const { post } = setup();
    expect((await post('/tasks', '{"type":')).status).toBe(400);
    expect((await post('/tasks', email, { ...auth, 'content-type': 'text/plain' })).status).toBe(415);
    const oversize = { ...email, payload: { ...validEmail, subject: 'x'.repeat(256 * 1024) } };
    const response = await post('/tasks', oversize);
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe('payload_too_large');
  });

  it('answers a batch per item, and refuses a batch over 100 as a whole', async () => {
    const { post, redis } = setup();
    const response = await post('/tasks/batch', { tasks: [email, { type: 'nope' }, email] });
    expect(response.status).toBe(202);
    const { results } = await json(response);
    expect(results).toEqual([
      expect.objectContaining({ state: 'queued', via: 'redis' }),
      { error: { code: 'invalid_task', message: 'unknown task type "nope"', issues: expect.any(Array) } },
      expect.objectContaining({ state: 'queued', via: 'redis' }),
    ]);
    expect(redis.stored).toHaveLength(2);

    const tooMany = await post('/tasks/batch', { tasks: Array.from({ length: 101 }, () => email) });
    expect(tooMany.status).toBe(422);
    expect((await json(tooMany)).error).toMatchObject({ code: 'invalid_request', issues: expect.any(Array) });
    const notABatch = await post('/tasks/batch', [email]);
    expect(notABatch.status).toBe(422);
    expect(redis.stored).toHaveLength(2);
  });

  it('answers 503 with Retry-After when nothing accepted the task', async () => {
    const { post } = setup({
      enqueue: async () => {
        throw new EnqueueUnavailableError(1, ['t-1'], true);
      },
      enqueueBatch: async () => {
        throw new EnqueueUnavailableError(1, ['t-1'], true);
      },
    });
    for (const [path, body] of [
      ['/tasks', email],
      ['/tasks/batch', { tasks: [email] }],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect((await json(response)).error.code).toBe('unavailable');
    }
  });

  it('reads statuses with times as ISO strings, 404 for unknown or impossible ids', async () => {
    const { app, statuses } = setup();
    statuses.set('t1', {
      id: 't1',
      type: 'send-email',
      state: 'succeeded',
      via: 'sqs',
      attempt: 1,
      maxAttempts: 3,
      createdAt: 0,
      updatedAt: 1000,
      runAt: 0,
      result: { sent: true },
    });
    const response = await app.request('/tasks/t1', { headers: auth });
    expect(await json(response)).toEqual({
      id: 't1',
      type: 'send-email',
      state: 'succeeded',
      via: 'sqs',
      attempt: 1,
      maxAttempts: 3,
      createdAt: '1970-01-01T00:00:00.000Z',
      updatedAt: '1970-01-01T00:00:01.000Z',
      runAt: '1970-01-01T00:00:00.000Z',
      result: { sent: true },
    });
    expect((await app.request('/tasks/t2', { headers: auth })).status).toBe(404);
    expect((await app.request('/tasks/%2E%2E%2Fx', { headers: auth })).status).toBe(404);
  });

  it('answers 503 with Retry-After when Redis cannot answer a read or a replay', async () => {
    const down = async () => {
      throw new QueueUnavailableError('redis status: fetch failed (10.1.2.3)', 'redis');
    };
    const { app, post } = setup({
      status: down,
      cancel: down,
      deadLetters: { list: down, replay: down },
      ops: fakeOps({ replayDead: down }),
    });
    for (const response of [
      await app.request('/tasks/t1', { headers: auth }),
      await app.request('/tasks/t1', { method: 'DELETE', headers: auth }),
      await post('/dead/t1/replay', ''),
      await post('/dead/replay', {}),
    ]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(JSON.stringify(await json(response))).not.toContain('10.1.2.3');
    }
  });

  it('maps cancel outcomes to 200, 404 and 409', async () => {
    const outcomes = ['cancelled', 'not_found', 'running', 'finished'] as const;
    const statuses = [200, 404, 409, 409];
    for (const [index, outcome] of outcomes.entries()) {
      const { app } = setup({ cancel: async () => outcome });
      const response = await app.request('/tasks/t1', { method: 'DELETE', headers: auth });
      expect(response.status).toBe(statuses[index]);
      if (outcome === 'cancelled') expect(await json(response)).toEqual({ id: 't1', state: 'cancelled' });
    }
  });

  it('reports health 200 while one path accepts, 503 when neither does', async () => {
    const half = setup({
      health: async () => ({
        redis: { ok: false, latencyMs: 0, breaker: 'open', error: 'redis skipped: circuit breaker open' },
        sqs: { ok: true, latencyMs: 3 },
      }),
    });
    const response = await half.app.request('/health', { headers: auth });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      redis: { ok: false, latencyMs: 0, breaker: 'open' },
      sqs: { ok: true, latencyMs: 3 },
    });
    const none = setup({
      health: async () => ({
        redis: { ok: false, latencyMs: 0, breaker: 'open' },
        sqs: { ok: false, latencyMs: 2000 },
      }),
    });
    const down = await none.app.request('/health', { headers: auth });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('2');
  });

  it('reports queue depths with one side down as unavailable, not as a 500', async () => {
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    const { app } = setup({
      queues: async () => ({
        redis: { available: false, error: new QueueUnavailableError('down', 'redis').message },
        sqs: { available: true, tasks: counts, deadLetters: counts, journal: counts },
      }),
    });
    const response = await app.request('/queues', { headers: auth });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      redis: { available: false },
      sqs: {
        available: true,
        tasks: expect.any(Object),
        deadLetters: expect.any(Object),
        journal: expect.any(Object),
      },
    });
  });

  it('validates /dead limits and replay bodies', async () => {
    const replays: unknown[] = [];
    const { app, post } = setup({
      ops: fakeOps({
        replayDead: async (request) => {
          replays.push(request);
          return {
            dryRun: request.dryRun,
            count: 1,
            byType: {},
            byError: [],
            foundIn: { redis: 1, sqs: 0 },
            redisReachable: true,
            replayed: request.dryRun ? [] : ['a'],
            perSecond: request.perSecond,
          };
        },
      }),
    });
    for (const query of ['limit=0', 'limit=501', 'limit=abc', 'limit=1.5']) {
      expect((await app.request(`/dead?${query}`, { headers: auth })).status).toBe(422);
    }
    expect((await app.request('/dead?limit=500', { headers: auth })).status).toBe(200);
    expect(await json(await post('/dead/replay', '', auth))).toMatchObject({
      replayed: ['a'],
      dryRun: false,
    });
    expect(await json(await post('/dead/replay', { ids: ['x', 'y'] }))).toMatchObject({ replayed: ['a'] });
    expect((await post('/dead/replay', { ids: [] })).status).toBe(422);
    expect((await post('/dead/replay', { limit: 10, extra: true })).status).toBe(422);
    expect(replays).toEqual([
      { filter: {}, limit: 100, perSecond: 10, dryRun: false },
      { filter: { ids: ['x', 'y'] }, limit: 2, perSecond: 10, dryRun: false },
    ]);
  });

  it('answers 404 for an unknown route and for replaying a task that is not dead', async () => {
    const { app, post } = setup();
    const unknown = await app.request('/nope', { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ error: { code: 'not_found', message: 'no such route' } });
    expect((await post('/dead/t1/replay', '')).status).toBe(404);
  });

  it('hides unexpected errors behind a 500 and logs them with the request id', async () => {
    const { app, logger } = setup({
      status: async () => {
        throw new Error('boom at redis://user:pw@host');
      },
    });
    const response = await app.request('/tasks/t1', { headers: auth });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('boom');
    const requestId = response.headers.get('x-request-id');
    const failure = logger.lines.find((line) => line.level === 'error');
    expect(failure?.fields).toMatchObject({ requestId, error: expect.any(Error) });
  });

  it('writes one request line per request, with the route pattern and no secrets', async () => {
    const { app, logger } = setup();
    await app.request('/tasks/some-task-id', { headers: auth });
    await app.request('/nope', { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    const lines = logger.lines.filter((line) => line.message === 'request');
    expect(lines.map((line) => line.fields)).toEqual([
      expect.objectContaining({
        method: 'GET',
        route: '/tasks/:id',
        status: 404,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ method: 'GET', route: '(unmatched)', status: 401 }),
    ]);
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain(FAKE_TOKEN);
    expect(logged).not.toContain('wrong-token');
    expect(logged).not.toContain('some-task-id');
  });
});
