import { describe, expect, it } from 'vitest';
import { createApiApp } from '../../../lib/api/create-api-app.js';
import { encodeTaskCursor } from '../../../lib/api/task-cursor.js';
import type { OpsUseCases } from '../../../lib/app/tandem-app.js';
import type { TaskListQuery } from '../../../lib/queue/ops-store.js';
import type { TaskStatus } from '../../../lib/queue/task-queue.js';
import { FAKE_TOKEN, fakeApiRuntime, fakeOps } from '../fakes/fake-api-runtime.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
const json = async (response: Response): Promise<any> => response.json();
const auth = { authorization: `Bearer ${FAKE_TOKEN}` };

const task = (id: string, createdAt = 1_733_000_000_000): TaskStatus => ({
  id,
  type: 'send-email',
  state: 'queued',
  via: 'redis',
  attempt: 0,
  maxAttempts: 3,
  createdAt,
  updatedAt: createdAt,
  runAt: createdAt,
});

function setup(ops: Partial<OpsUseCases> = {}) {
  const fake = fakeApiRuntime({ ops: fakeOps(ops) });
  const app = createApiApp(fake.runtime);
  const get = (path: string, headers: Record<string, string> = auth) => app.request(path, { headers });
  return { app, get };
}

describe('GET /tasks', () => {
  it('lists a page, newest first, with an opaque cursor that continues after its last task', async () => {
    const queries: TaskListQuery[] = [];
    const { get } = setup({
      listTasks: async (query) => {
        queries.push(query);
        return { tasks: [task('b'), task('a')], next: { createdAt: 1_733_000_000_000, id: 'a' } };
      },
    });
    const first = await json(await get('/tasks?state=queued&type=send-email&limit=2&q=ada'));
    expect(first.tasks.map((item: TaskStatus) => item.id)).toEqual(['b', 'a']);
    expect(first.tasks[0].createdAt).toBe('2024-11-30T20:53:20.000Z');
    expect(first.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    await get(`/tasks?cursor=${first.cursor}`);
    expect(queries).toEqual([
      { limit: 2, state: 'queued', type: 'send-email', text: 'ada' },
      { limit: 50, after: { createdAt: 1_733_000_000_000, id: 'a' } },
    ]);
  });

  it('answers 422 for a bad state, limit, cursor or an unknown parameter, and reads nothing', async () => {
    let calls = 0;
    const { get } = setup({
      listTasks: async () => {
        calls += 1;
        return { tasks: [], next: null };
      },
    });
    const forged = Buffer.from('12:../../etc', 'utf8').toString('base64url');
    for (const query of [
      'state=lost',
      'limit=0',
      'limit=101',
      'limit=ten',
      'cursor=***',
      `cursor=${forged}`,
      'type=%7Bbad%7D',
      'status=queued',
      `q=${'x'.repeat(201)}`,
    ]) {
      const response = await get(`/tasks?${query}`);
      expect(response.status, query).toBe(422);
      expect((await json(response)).error.code).toBe('invalid_request');
    }
    expect(calls).toBe(0);
    expect((await get(`/tasks?cursor=${encodeTaskCursor({ createdAt: 5, id: 'ok-id' })}`)).status).toBe(200);
  });

  it('finds the task of an idempotency key, filtered like a page', async () => {
    const { get } = setup({
      findByIdempotencyKey: async (key) => (key === 'order-42' ? task('t-42') : null),
    });
    expect(await json(await get('/tasks?idempotencyKey=order-42'))).toMatchObject({
      tasks: [{ id: 't-42' }],
      cursor: null,
    });
    expect((await json(await get('/tasks?idempotencyKey=order-42&state=dead'))).tasks).toEqual([]);
    expect((await json(await get('/tasks?idempotencyKey=order-43'))).tasks).toEqual([]);
  });
});

describe('GET /events and GET /queues/history', () => {
  it('reads the last hour by default, a given time, or after a cursor; times as ISO 8601', async () => {
    const reads: unknown[] = [];
    const { get } = setup({
      events: async (from, limit) => {
        reads.push([from, limit]);
        return [
          { entryId: '1733000000000-3', record: { at: 1_733_000_000_000, kind: 'breaker', to: 'open' } },
        ];
      },
    });
    const before = Date.now();
    const page = await json(await get('/events'));
    expect(page).toEqual({
      events: [{ id: '1733000000000-3', at: '2024-11-30T20:53:20.000Z', kind: 'breaker', to: 'open' }],
      cursor: '1733000000000-3',
    });
    await get('/events?since=2024-11-30T20:00:00Z&limit=5');
    await get('/events?cursor=1733000000000-3');
    const [[lastHour], second, third] = reads as [[{ since: number }], unknown, unknown];
    expect(lastHour.since).toBeGreaterThanOrEqual(before - 3_600_000 - 1_000);
    expect(second).toEqual([{ since: Date.parse('2024-11-30T20:00:00Z') }, 5]);
    expect(third).toEqual([{ afterEntry: '1733000000000-3' }, 200]);
  });

  it('answers 422 for bad times, cursors, limits and both of since and cursor', async () => {
    const { get } = setup();
    for (const query of ['since=yesterday', 'cursor=abc', 'limit=1001', 'since=5&cursor=1-1', 'kind=x']) {
      expect((await get(`/events?${query}`)).status, query).toBe(422);
    }
    expect((await get('/queues/history?limit=0')).status).toBe(422);
    expect((await get('/queues/history?since=2024-11-30T20:00:00Z')).status).toBe(200);
  });
});

describe('POST /dead/replay?dryRun=true', () => {
  it('passes the filter and the dry run on, with times as epoch ms, and answers the preview', async () => {
    const requests: unknown[] = [];
    const { app } = setup({
      replayDead: async (request) => {
        requests.push(request);
        return {
          dryRun: true,
          count: 2,
          byType: { http: 2 },
          byError: [{ error: 'HTTP 503', count: 2 }],
          foundIn: { redis: 2, sqs: 0 },
          redisReachable: true,
          replayed: [],
          perSecond: 5,
        };
      },
    });
    const body = {
      type: 'http',
      error: '503',
      from: '2024-11-30T00:00:00Z',
      to: '2024-12-01T00:00:00Z',
      perSecond: 5,
      limit: 9_000,
    };
    const response = await app.request('/dead/replay?dryRun=true', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ dryRun: true, count: 2, byType: { http: 2 }, replayed: [] });
    expect(requests).toEqual([
      {
        filter: { type: 'http', error: '503', from: Date.parse(body.from), to: Date.parse(body.to) },
        limit: 9_000,
        perSecond: 5,
        dryRun: true,
      },
    ]);
  });

  it('refuses a bad filter with 422 before selecting anything', async () => {
    let calls = 0;
    const { app } = setup({
      replayDead: async () => {
        calls += 1;
        throw new Error('not reached');
      },
    });
    const post = (query: string, body: unknown) =>
      app.request(`/dead/replay${query}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const [query, body] of [
      ['?dryRun=maybe', {}],
      ['', { from: 'last week' }],
      ['', { from: '2024-12-02T00:00:00Z', to: '2024-12-01T00:00:00Z' }],
      ['', { perSecond: 0 }],
      ['', { limit: 10_001 }],
      ['', { type: 'a b' }],
    ] as const) {
      expect((await post(query, body)).status, JSON.stringify(body)).toBe(422);
    }
    expect(calls).toBe(0);
  });
});

describe('GET /health and GET /queues', () => {
  it('say since when this container sees Redis unreachable, and how many tasks are in each state', async () => {
    const { get } = setup({ redisUnreachableSince: () => 1_733_000_000_000 });
    expect((await json(await get('/health'))).redis.unreachableSince).toBe('2024-11-30T20:53:20.000Z');
    expect((await json(await get('/queues'))).redis.counts).toMatchObject({
      succeeded: 0,
      dead: 0,
      cancelled: 0,
    });
  });
});

describe('GET /dashboard', () => {
  it('is served without a token, with a policy that forbids inline script', async () => {
    const { get } = setup();
    for (const [path, type] of [
      ['/dashboard', 'text/html'],
      ['/dashboard/app.js', 'text/javascript'],
      ['/dashboard/dashboard.css', 'text/css'],
    ] as const) {
      const response = await get(path, {});
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const page = await (await get('/dashboard', {})).text();
    expect(page).toContain('<script type="module" src="dashboard/app.js"></script>');
    expect(page).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('serves only its own files, and every other route still needs the token', async () => {
    const { get } = setup();
    for (const path of ['/dashboard/nope.js', '/dashboard/..%2Fhealth', '/dashboard/.env']) {
      expect((await get(path, {})).status, path).toBe(404);
    }
    for (const path of ['/tasks', '/events', '/queues/history', '/health', '/dashboard/app.js/x']) {
      expect((await get(path, {})).status, path).toBe(401);
    }
  });
});
