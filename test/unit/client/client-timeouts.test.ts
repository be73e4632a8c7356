import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createTandemClient,
  TandemClientError,
  TandemNetworkError,
  TandemTimeoutError,
} from '../../../lib/client/index.js';
import { type Answer, fakeFetch, json } from '../fakes/fake-fetch.js';

// What the client does when no usable answer comes: every such case rejects with a typed error, and a
// late answer is never taken for a success.
const receipt = { id: 't-1', state: 'queued', via: 'redis', duplicate: false };

function setup(answer: Answer, timeoutMs?: number) {
  const fake = fakeFetch(answer);
  const client = createTandemClient({
    url: 'http://127.0.0.1:3000',
    token: 'client-token-0123456789',
    fetch: fake.fetch,
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
  return { ...fake, client };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createTandemClient without an answer', () => {
  it('turns a failed fetch into TandemNetworkError, keeping the cause', async () => {
    const cause = new TypeError('fetch failed');
    const { client } = setup(() => Promise.reject(cause));
    const error = await client.enqueue('echo', {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemNetworkError);
    expect(error).not.toBeInstanceOf(TandemTimeoutError);
    expect(error).toBeInstanceOf(TandemClientError);
    expect(error).toMatchObject({ code: 'network', status: undefined, cause });
    expect((error as Error).message).toMatch(/POST \/tasks.*fetch failed/);
  });

  it('aborts a request that gets no answer in time, and says it timed out', async () => {
    const { client, sent } = setup(
      (request) =>
        new Promise<Response>((_, reject) => {
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason));
        }),
      50,
    );
    const error = await client.getTask('t-1').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 50 });
    expect(sent[0]?.signal?.aborted).toBe(true);
  });

  it('drops a late success from a fetch that ignores its abort signal', async () => {
    const { client } = setup(
      () => new Promise((resolve) => setTimeout(() => resolve(json(202, receipt)), 1_000)),
      50,
    );
    const started = Date.now();
    await expect(client.enqueue('echo', {})).rejects.toBeInstanceOf(TandemTimeoutError);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('times out a body that stalls after the headers', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"id":')),
    });
    const { client } = setup(() => new Response(stalled, { status: 202 }), 50);
    await expect(client.enqueue('echo', {})).rejects.toBeInstanceOf(TandemTimeoutError);
  });

  it('turns a body that breaks off into TandemNetworkError', async () => {
    const broken = new ReadableStream<Uint8Array>({
      start: (controller) => controller.error(new Error('socket hang up')),
    });
    const { client } = setup(() => new Response(broken, { status: 200 }));
    await expect(client.getTask('t-1')).rejects.toMatchObject({
      code: 'network',
      cause: expect.objectContaining({ message: 'socket hang up' }),
    });
  });

  it('leaves no timer behind once answered', async () => {
    vi.useFakeTimers();
    const { client } = setup(() => json(200, receipt));
    await client.getTask('t-1');
    expect(vi.getTimerCount()).toBe(0);
  });
});
