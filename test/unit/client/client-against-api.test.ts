import { describe, expect, it } from 'vitest';
import { createApiApp } from '../../../lib/api/create-api-app.js';
import {
  createTandemClient,
  type FetchLike,
  TandemApiError,
  TandemAuthError,
  TandemUnavailableError,
} from '../../../lib/client/index.js';
import { EnqueueUnavailableError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import { sendEmailTask, validEmail } from '../fakes/email-task.js';
import { FAKE_TOKEN, fakeApiRuntime } from '../fakes/fake-api-runtime.js';

// The client against the real API app (routes, validation, error mapping) over the in-memory runtime,
// with the app's own fetch as transport: the bodies it parses are the ones the API really sends.

function setup(overrides: Parameters<typeof fakeApiRuntime>[0] = {}, token = FAKE_TOKEN) {
  const fake = fakeApiRuntime(overrides);
  const app = createApiApp(fake.runtime);
  const fetch: FetchLike = async (url, init) => app.fetch(new Request(url, init));
  const client = createTandemClient({ url: 'http://127.0.0.1:3000', token, fetch });
  return { ...fake, client };
}

describe('createTandemClient against the API app', () => {
  it('enqueues, and reads the status back with ISO times', async () => {
    const { client, redis, statuses } = setup();
    const receipt = await client.enqueue(sendEmailTask, validEmail, { priority: 2 });
    expect(receipt).toEqual({ id: expect.any(String), state: 'queued', via: 'redis', duplicate: false });
    expect(redis.stored).toMatchObject([{ id: receipt.id, type: 'send-email', priority: 2 }]);

    const now = Date.parse('2030-01-02T03:04:05.000Z');
    statuses.set(receipt.id, {
      id: receipt.id,
      type: 'send-email',
      state: 'queued',
      via: 'redis',
      attempt: 0,
      maxAttempts: 4,
      createdAt: now,
      updatedAt: now,
      runAt: now,
    });
    expect(await client.getTask(receipt.id)).toMatchObject({ createdAt: '2030-01-02T03:04:05.000Z' });
    expect(await client.getTask('no-such-task')).toBeNull();
    expect(await client.cancel(receipt.id)).toEqual({ id: receipt.id, state: 'cancelled' });
  });

  it('carries the zod issues of a refused payload', async () => {
    const { client, redis } = setup();
    const error = await client
      .enqueue('send-email', { to: 'nobody' })
      .catch((thrown: unknown) => thrown as TandemApiError);
    expect(error).toBeInstanceOf(TandemApiError);
    expect(error).toMatchObject({ status: 422, code: 'invalid_task', requestId: expect.any(String) });
    const paths = (error as TandemApiError).issues?.map((issue) => (issue as { path: unknown[] }).path);
    expect(paths).toEqual(expect.arrayContaining([['payload', 'to']]));
    expect(redis.stored).toHaveLength(0);
  });

  it('answers a batch per item', async () => {
    const { client } = setup();
    const results = await client.enqueueBatch([
      { task: sendEmailTask, payload: validEmail },
      { task: 'nope', payload: {} },
    ]);
    expect(results).toEqual([
      expect.objectContaining({ state: 'queued', via: 'redis' }),
      { error: expect.objectContaining({ code: 'invalid_task', message: 'unknown task type "nope"' }) },
    ]);
  });

  it('throws TandemAuthError for a wrong token', async () => {
    const { client } = setup({}, 'wrong-token-0123456789');
    await expect(client.health()).rejects.toBeInstanceOf(TandemAuthError);
  });

  it('throws TandemUnavailableError with ids and maybeStored when no queue acknowledged', async () => {
    const unavailable = async (): Promise<never> => {
      throw new EnqueueUnavailableError(1, ['t-9'], true);
    };
    const { client } = setup({ enqueue: unavailable, enqueueBatch: unavailable });
    const error = await client.enqueue(sendEmailTask, validEmail, { id: 't-9' }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(TandemUnavailableError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 1, ids: ['t-9'], maybeStored: true });
  });

  it('throws TandemUnavailableError for a status Redis cannot give, not null', async () => {
    const { client } = setup({
      status: async () => {
        throw new QueueUnavailableError('redis timed out', 'redis');
      },
    });
    const error = await client.getTask('t-1').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TandemUnavailableError);
    expect(error).toMatchObject({ retryAfterSeconds: 2, ids: [], maybeStored: false });
  });
});
