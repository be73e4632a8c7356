import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { deadTaskBody, receiptBody, taskStatusBody } from '../../../lib/api/response-bodies.js';
import {
  type BatchItemResult,
  type CancelledTask,
  createTandemClient,
  type DeadTask,
  type PayloadOf,
  type TaskReceipt,
  type TaskStatus,
} from '../../../lib/client/index.js';
import { defineTask } from '../../../lib/tasks/define-task.js';
import { fakeFetch, json } from '../fakes/fake-fetch.js';

// Checked by `tsc --noEmit` (tests are in the tsconfig): each `@ts-expect-error` fails the type check
// if the line under it compiles. At run time the calls go to a fake fetch that accepts anything.

const welcome = defineTask({
  type: 'welcome',
  schema: z.object({
    userId: z.string(),
    locale: z.string().default('en'),
    sendAt: z.iso.datetime().transform((text) => new Date(text)),
  }),
  handler: async () => undefined,
});
const ping = defineTask({
  type: 'ping',
  schema: z.object({ n: z.number() }),
  handler: async () => undefined,
});

const receipt = { id: 't-1', state: 'queued', via: 'redis', duplicate: false };
const client = createTandemClient({
  url: 'http://127.0.0.1:3000',
  token: 'types-token-0123456789',
  fetch: fakeFetch(() => json(202, { ...receipt, results: [] })).fetch,
});
const sendAt = '2030-01-01T00:00:00Z';

describe('client types', () => {
  it('types the payload as the input of the definition schema', async () => {
    expectTypeOf<PayloadOf<typeof welcome>>().toEqualTypeOf<{
      userId: string;
      locale?: string | undefined;
      sendAt: string;
    }>();
    expectTypeOf<PayloadOf<'welcome'>>().toBeUnknown();

    await client.enqueue(welcome, { userId: 'u-1', sendAt });
    await client.enqueue(welcome, { userId: 'u-1', sendAt, locale: 'fr' });
    // @ts-expect-error userId must be a string
    await client.enqueue(welcome, { userId: 1, sendAt });
    // @ts-expect-error sendAt is required
    await client.enqueue(welcome, { userId: 'u-1' });
    // @ts-expect-error the schema's input is a string, not the Date it turns into
    await client.enqueue(welcome, { userId: 'u-1', sendAt: new Date() });
    // A type given by name takes any payload; the API validates it.
    await client.enqueue('welcome', 42);
  });

  it('takes delaySeconds or runAt, never both', async () => {
    await client.enqueue(ping, { n: 1 }, { delaySeconds: 5 });
    await client.enqueue(ping, { n: 1 }, { runAt: new Date(Date.now() + 5_000) });
    await client.enqueue(ping, { n: 1 }, { runAt: sendAt, priority: 0, idempotencyKey: 'k' });
    // @ts-expect-error delaySeconds and runAt exclude each other
    await client.enqueue(ping, { n: 1 }, { delaySeconds: 5, runAt: sendAt });
    // @ts-expect-error runAt is a Date or an ISO string
    await client.enqueue(ping, { n: 1 }, { runAt: Date.now() });
  });

  it('types each batch item by its own task', async () => {
    await client.enqueueBatch([
      { task: welcome, payload: { userId: 'u-1', sendAt } },
      { task: ping, payload: { n: 2 }, options: { delaySeconds: 1 } },
      { task: 'anything', payload: null },
    ]);
    await client.enqueueBatch([
      { task: welcome, payload: { userId: 'u-1', sendAt } },
      // @ts-expect-error ping's n is a number
      { task: ping, payload: { n: '2' } },
    ]);
    const built = [{ task: ping, payload: { n: 3 } }];
    await client.enqueueBatch(built);
  });

  it('returns the answers typed, times as strings', () => {
    expectTypeOf(client.enqueue<typeof ping>).returns.resolves.toEqualTypeOf<TaskReceipt>();
    expectTypeOf(client.getTask).returns.resolves.toEqualTypeOf<TaskStatus | null>();
    expectTypeOf(client.cancel).returns.resolves.toEqualTypeOf<CancelledTask>();
    expectTypeOf<TaskStatus['createdAt']>().toBeString();
    expectTypeOf<DeadTask['diedAt']>().toBeString();
  });

  it("matches the API's own body builders, field for field", () => {
    type ServerStatus = ReturnType<typeof taskStatusBody>;
    type ServerReceipt = ReturnType<typeof receiptBody>;
    type ServerDeadTask = ReturnType<typeof deadTaskBody>;
    expectTypeOf<ServerStatus>().toExtend<TaskStatus>();
    expectTypeOf<keyof ServerStatus>().toEqualTypeOf<keyof TaskStatus>();
    expectTypeOf<ServerReceipt>().toExtend<TaskReceipt>();
    expectTypeOf<keyof ServerReceipt>().toEqualTypeOf<keyof TaskReceipt>();
    expectTypeOf<ServerReceipt>().toExtend<BatchItemResult>();
    expectTypeOf<ServerDeadTask>().toExtend<DeadTask>();
    expectTypeOf<keyof ServerDeadTask>().toEqualTypeOf<keyof DeadTask>();
  });
});
