import { describe, expect, it } from 'vitest';
import { createTandemClient } from '../../../lib/client/index.js';
import { fakeFetch, json } from '../fakes/fake-fetch.js';

const URL_BASE = 'http://127.0.0.1:3000/prod';

function setup(body: unknown) {
  const fake = fakeFetch(() => json(200, body));
  return {
    ...fake,
    client: createTandemClient({ url: URL_BASE, token: 'client-token-0123456789', fetch: fake.fetch }),
  };
}

describe('createTandemClient: the operator methods', () => {
  it('lists tasks with their filters as query parameters', async () => {
    const { client, sent } = setup({ tasks: [], cursor: null });
    await client.listTasks({ state: 'dead', type: 'http', limit: 10, cursor: 'abc', text: 'ada@' });
    expect(sent[0]?.url).toBe(`${URL_BASE}/tasks?state=dead&type=http&limit=10&cursor=abc&q=ada%40`);
  });

  it('finds a task by idempotency key, or null', async () => {
    const found = setup({ tasks: [{ id: 't-1' }], cursor: null });
    expect(await found.client.findByIdempotencyKey('order 42')).toEqual({ id: 't-1' });
    expect(found.sent[0]?.url).toBe(`${URL_BASE}/tasks?idempotencyKey=order+42`);
    expect(await setup({ tasks: [], cursor: null }).client.findByIdempotencyKey('x')).toBeNull();
  });

  it('reads the timeline and the depth history since a Date, or after a cursor', async () => {
    const { client, sent } = setup({ events: [], cursor: null, samples: [] });
    await client.events({ since: new Date(Date.UTC(2030, 0, 1)), limit: 5 });
    await client.events({ cursor: '1-0' });
    await client.queueHistory({ since: '2030-01-01T00:00:00Z' });
    expect(sent.map((request) => request.url)).toEqual([
      `${URL_BASE}/events?since=2030-01-01T00%3A00%3A00.000Z&limit=5`,
      `${URL_BASE}/events?cursor=1-0`,
      `${URL_BASE}/queues/history?since=2030-01-01T00%3A00%3A00Z`,
    ]);
  });

  it('replays by filter, paced, and previews with dryRun', async () => {
    const { client, sent } = setup({ dryRun: true, count: 2, replayed: [] });
    await client.replayAll({
      type: 'http',
      error: '503',
      from: new Date(0),
      perSecond: 5,
      limit: 9,
      dryRun: true,
    });
    expect(sent[0]?.url).toBe(`${URL_BASE}/dead/replay?dryRun=true`);
    expect(sent[0]?.body).toEqual({
      type: 'http',
      error: '503',
      from: '1970-01-01T00:00:00.000Z',
      perSecond: 5,
      limit: 9,
    });
    await client.replayAll();
    expect(sent[1]?.url).toBe(`${URL_BASE}/dead/replay`);
  });
});
