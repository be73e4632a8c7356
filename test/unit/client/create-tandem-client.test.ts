import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createTandemClient,
  TandemApiError,
  TandemAuthError,
  TandemConflictError,
  TandemNotFoundError,
  TandemUnavailableError,
} from '../../../lib/client/index.js';
import { sendEmailTask, validEmail } from '../fakes/email-task.js';
import { type Answer, apiError, fakeFetch, json } from '../fakes/fake-fetch.js';

const URL_BASE = 'http://127.0.0.1:3000';
const TOKEN = 'client-token-0123456789';
const receipt = { id: 't-1', state: 'queued', via: 'redis', duplicate: false };
const status = {
  id: 't-1',
  type: 'send-email',
  state: 'succeeded',
  via: 'redis',
  attempt: 1,
  maxAttempts: 4,
  createdAt: '2030-01-02T03:04:05.000Z',
  updatedAt: '2030-01-02T03:04:06.000Z',
  runAt: '2030-01-02T03:04:05.000Z',
  result: { sent: true },
};

function setup(answer?: Answer, { url = URL_BASE }: { url?: string } = {}) {
  const fake = fakeFetch(answer);
  const client = createTandemClient({ url, token: TOKEN, fetch: fake.fetch });
  return { ...fake, client };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createTandemClient: requests', () => {
  it('sends the bearer token on every request, and a JSON content type only with a body', async () => {
    const { client, sent } = setup((request) => json(request.method === 'POST' ? 202 : 200, receipt));
    await client.enqueue(sendEmailTask, validEmail);
    await client.getTask('t-1');
    const [post, get] = sent;
    expect(post?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(post?.headers.get('content-type')).toBe('application/json');
    expect(post?.headers.get('accept')).toBe('application/json');
    expect(get?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(get?.headers.has('content-type')).toBe(false);
    expect(get?.body).toBeUndefined();
  });

  it('keeps a path prefix of the base URL and encodes ids into the path', async () => {
    const { client, sent } = setup((request) =>
      request.method === 'DELETE' ? json(200, { id: 'x', state: 'cancelled' }) : json(200, { replayed: [] }),
    );
    const odd = 'a/b?c#d e%';
    await client.cancel(odd);
    await client.replay(odd);
    await client.listDead({ limit: 5 });
    await client.listDead();
    const stage = setup(() => json(200, { replayed: [] }), { url: `${URL_BASE}/prod//` });
    await stage.client.replayAll();
    expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
      `DELETE ${URL_BASE}/tasks/a%2Fb%3Fc%23d%20e%25`,
      `POST ${URL_BASE}/dead/a%2Fb%3Fc%23d%20e%25/replay`,
      `GET ${URL_BASE}/dead?limit=5`,
      `GET ${URL_BASE}/dead`,
    ]);
    expect(stage.sent[0]?.url).toBe(`${URL_BASE}/prod/dead/replay`);
    expect(stage.sent[0]?.body).toEqual({});
  });

  it('builds POST /tasks from a definition or a type name, with a Date runAt as ISO 8601', async () => {
    const { client, sent } = setup(() => json(202, receipt));
    const runAt = new Date('2030-05-06T07:08:09.000Z');
    const answer = await client.enqueue(sendEmailTask, validEmail, {
      runAt,
      priority: 3,
      idempotencyKey: 'welcome:ada',
    });
    await client.enqueue('echo', { message: 'hi' }, { id: 'my-id', delaySeconds: 30, maxAttempts: 2 });
    await client.enqueue('echo', null, { runAt: '2030-05-06T09:08:09+02:00', timeoutSeconds: 5 });
    expect(answer).toEqual(receipt);
    expect(sent.map((request) => request.body)).toEqual([
      {
        type: 'send-email',
        payload: validEmail,
        runAt: '2030-05-06T07:08:09.000Z',
        priority: 3,
        idempotencyKey: 'welcome:ada',
      },
      { type: 'echo', payload: { message: 'hi' }, id: 'my-id', delaySeconds: 30, maxAttempts: 2 },
      { type: 'echo', payload: null, runAt: '2030-05-06T09:08:09+02:00', timeoutSeconds: 5 },
    ]);
  });

  it('refuses an invalid Date before sending anything', async () => {
    const { client, sent } = setup(() => json(202, receipt));
    await expect(client.enqueue('echo', {}, { runAt: new Date('nonsense') })).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(0);
  });

  it('sends a batch as { tasks } and returns its results in order', async () => {
    const results = [receipt, { error: { code: 'invalid_task', message: 'unknown task type "nope"' } }];
    const { client, sent } = setup(() => json(202, { results }));
    const answer = await client.enqueueBatch([
      { task: sendEmailTask, payload: validEmail, options: { priority: 1 } },
      { task: 'nope', payload: 1 },
    ]);
    expect(answer).toEqual(results);
    expect(sent[0]?.url).toBe(`${URL_BASE}/tasks/batch`);
    expect(sent[0]?.body).toEqual({
      tasks: [
        { type: 'send-email', payload: validEmail, priority: 1 },
        { type: 'nope', payload: 1 },
      ],
    });
  });

  it('sends replayAll ids and limit as given', async () => {
    const { client, sent } = setup(() => json(200, { replayed: ['a'] }));
    expect(await client.replayAll({ ids: ['a', 'b'], limit: 1 })).toEqual({ replayed: ['a'] });
    expect(sent[0]?.body).toEqual({ ids: ['a', 'b'], limit: 1 });
  });

  it('uses the global fetch when none is given, looked up at call time', async () => {
    const fake = fakeFetch(() => json(200, status));
    const client = createTandemClient({ url: URL_BASE, token: TOKEN });
    vi.stubGlobal('fetch', fake.fetch);
    expect(await client.getTask('t-1')).toEqual(status);
    expect(fake.sent).toHaveLength(1);
  });

  it.each([
    [{ url: 'ftp://127.0.0.1/' }, /http or https/],
    [{ url: 'not a url' }, /not a URL/],
    [{ url: `${URL_BASE}/?stage=prod` }, /query/],
    [{ token: '' }, /token/],
    [{ token: 'two words' }, /token/],
    [{ timeoutMs: 0 }, /timeoutMs/],
  ])('refuses options %j at creation', (overrides, message) => {
    expect(() => createTandemClient({ url: URL_BASE, token: TOKEN, ...overrides })).toThrow(message);
  });
});

describe('createTandemClient: answers', () => {
  it('returns a status exactly as the API gives it, times as ISO strings', async () => {
    const { client } = setup(() => json(200, status));
    expect(await client.getTask('t-1')).toEqual(status);
  });

  it('answers null for an unknown task, but throws when the status cannot be read', async () => {
    const unknown = setup(() => apiError(404, { code: 'not_found', message: 'no task with id "x"' }));
    expect(await unknown.client.getTask('x')).toBeNull();
    const outage = setup(() => apiError(503, { code: 'unavailable', message: 'redis cannot answer' }));
    await expect(outage.client.getTask('x')).rejects.toBeInstanceOf(TandemUnavailableError);
    const wrongStage = setup(() => json(404, { message: 'Not Found' }));
    await expect(wrongStage.client.getTask('x')).rejects.toBeInstanceOf(TandemNotFoundError);
  });

  it.each([
    [401, 'unauthorized', TandemAuthError],
    [404, 'not_found', TandemNotFoundError],
    [409, 'conflict', TandemConflictError],
    [413, 'payload_too_large', TandemApiError],
    [500, 'internal', TandemApiError],
  ])('maps %i %s to %o with the API message and request id', async (code, name, type) => {
    const message = `the API says ${name}`;
    const { client } = setup(() => apiError(code, { code: name, message }, { 'x-request-id': 'req-7' }));
    const error = await client.cancel('t-1').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).constructor).toBe(type);
    expect(error).toMatchObject({ status: code, code: name, message, requestId: 'req-7' });
  });

  it('keeps the validation issues of a 422', async () => {
    const issues = [{ code: 'invalid_type', path: ['payload', 'to'], message: 'expected string' }];
    const { client } = setup(() => apiError(422, { code: 'invalid_task', message: 'invalid task', issues }));
    const error = await client.enqueue(sendEmailTask, validEmail).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemApiError);
    expect(error).toMatchObject({ status: 422, code: 'invalid_task', issues });
  });

  it('turns an enqueue 503 into TandemUnavailableError with Retry-After, ids and maybeStored', async () => {
    const { client } = setup(() =>
      apiError(
        503,
        { code: 'unavailable', message: 'no queue acknowledged', ids: ['t-1'], maybeStored: true },
        { 'retry-after': '2' },
      ),
    );
    const error = await client.enqueue('echo', {}, { id: 't-1' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemUnavailableError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 2, ids: ['t-1'], maybeStored: true });
  });

  it('gives a read 503 no ids, maybeStored false, and reads an HTTP-date Retry-After', async () => {
    const later = new Date(Date.now() + 30_000).toUTCString();
    const { client } = setup(() =>
      apiError(503, { code: 'unavailable', message: 'down' }, { 'retry-after': later }),
    );
    const error = (await client.listDead().catch((thrown: unknown) => thrown)) as TandemUnavailableError;
    expect(error).toBeInstanceOf(TandemUnavailableError);
    expect(error.ids).toEqual([]);
    expect(error.maybeStored).toBe(false);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('names the status when a gateway answers instead of Tandem', async () => {
    const html = setup(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    await expect(html.client.queues()).rejects.toMatchObject({ status: 502, code: 'http_error' });
    const gateway = setup(() => json(500, { message: 'Internal Server Error' }));
    const error = await gateway.client.health().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemApiError);
    expect((error as Error).message).toMatch(/HTTP 500: Internal Server Error/);
  });

  it('never takes a 2xx without a JSON body for an answer', async () => {
    const { client } = setup(() => new Response('stored, probably', { status: 202 }));
    await expect(client.enqueue('echo', {})).rejects.toMatchObject({ status: 202, code: 'invalid_response' });
  });

  it('returns the health report and queue depths even with 503, but not a gateway 503', async () => {
    const report = {
      redis: { ok: false, latencyMs: 150, breaker: 'open' },
      sqs: { ok: false, latencyMs: 2000 },
    };
    const depths = { redis: { available: false }, sqs: { available: false } };
    const down = setup((request) => json(503, request.url.endsWith('/health') ? report : depths));
    expect(await down.client.health()).toEqual(report);
    expect(await down.client.queues()).toEqual(depths);
    const gateway = setup(() => json(503, { message: 'Service Unavailable' }));
    await expect(gateway.client.health()).rejects.toBeInstanceOf(TandemUnavailableError);
  });
});
