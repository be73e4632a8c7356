import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../lib/handlers/api-handler.js';
import { apiGatewayEvent } from '../support/api-gateway-event.js';
import {
  type HarnessRuntime,
  startTandemHarness,
  type TandemHarness,
  TEST_API_TOKEN,
} from '../support/tandem-harness.js';

let harness: TandemHarness;
let runtime: HarnessRuntime;
let handler: ReturnType<typeof createApiHandler>;

beforeAll(async () => {
  harness = await startTandemHarness();
  runtime = await harness.runtime();
  handler = createApiHandler(() => runtime);
});
afterAll(async () => {
  await harness?.stop();
});

const context = { getRemainingTimeInMillis: () => 30_000 } as never;

async function post(path: string, body: string) {
  const event = apiGatewayEvent({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
    body,
  });
  const response = (await handler(event as never, context)) as { statusCode: number; body: string };
  return { status: response.statusCode, body: JSON.parse(response.body) as { error?: { code: string } } };
}

async function storedAnything(): Promise<boolean> {
  const redis = await runtime.adapters.redis.depths();
  const sqs = await runtime.adapters.sqs.depths();
  return redis.ready.depth + redis.delayed.depth > 0 || sqs.tasks.visible + sqs.tasks.delayed > 0;
}

const validTask = { type: 'http', payload: { url: 'http://127.0.0.1:9/hook' } };

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const control = '\u0000\u202e\ud800';
/** For each field of a task, values it must refuse. */
const invalidValues: Record<string, unknown[]> = {
  type: [null, -1, '', 'no-such-type', 'x'.repeat(100), '../../{tandem:other}:ready', control],
  payload: [
    -1,
    'text',
    { url: 'http://169.254.169.254/latest/meta-data' },
    { url: 'file:///etc/passwd' },
    { url: 'http://10.0.0.1/' },
    { url: 'http://127.0.0.1:9/', method: 'GET', body: 'x' },
    { url: 'http://127.0.0.1:9/', headers: { host: 'evil' } },
  ],
  id: [null, -1, '', 'x'.repeat(1000), '../../x', `a${control}`, '{tandem:other}'],
  idempotencyKey: [null, -1, '', 'x'.repeat(1000)],
  delaySeconds: [null, -1, 1e12, 'ten', 1.5],
  runAt: [null, -1, 1e12, '2024-13-45T25:61:00Z', 'not a date', '2999-01-01T00:00:00Z'],
  priority: [null, -1, 256, 1.5, 'high'],
  maxAttempts: [null, 0, -1, 101, 'x'],
  timeoutSeconds: [null, 0, -1, 901, 'x'],
};

/** Request bodies that must each be refused with a 4xx and store nothing. */
const badBody: fc.Arbitrary<string> = fc.oneof(
  // Not JSON, or JSON of the wrong shape.
  fc.string({ maxLength: 200 }).filter((text) => !isJson(text)),
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
    .map((value) => JSON.stringify(value)),
  // A valid task with one field made wrong.
  fc
    .constantFrom(...Object.entries(invalidValues))
    .chain(([field, values]) => fc.constantFrom(...values).map((value) => ({ field, value })))
    .map(({ field, value }) => JSON.stringify({ ...validTask, [field]: value })),
  // Hostile keys, contradictions, nesting and size.
  fc.constantFrom(
    '{"__proto__":{"type":"http"},"payload":{}}',
    JSON.stringify({ ...validTask, constructor: { prototype: { polluted: true } } }),
    JSON.stringify({ ...validTask, delaySeconds: 10, runAt: new Date().toISOString() }),
    JSON.stringify({ ...validTask, runAt: '2999-01-01T00:00:00Z' }),
    JSON.stringify({ ...validTask, delaySeconds: 10 ** 9 }),
    JSON.stringify({ ...validTask, payload: { url: 'http://127.0.0.1:9/', body: 'x'.repeat(300_000) } }),
    `{"type":"http","payload":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  ),
);

describe('bad input at the HTTP API (property-based)', () => {
  it('POST /tasks refuses every bad body with a 4xx JSON error and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(badBody, async (body) => {
        const { status, body: answer } = await post('/tasks', body);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(answer.error?.code).toEqual(expect.any(String));
        expect(await storedAnything()).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('POST /tasks/batch refuses bad items per item and stores only the good ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(badBody, { minLength: 1, maxLength: 5 }), async (items) => {
        // Built as text, so the deeply nested items reach the API as sent (re-serialising them would overflow here).
        const tasks = items.map((item) => (isJson(item) ? item : JSON.stringify(item)));
        const { status } = await post('/tasks/batch', `{"tasks":[${tasks.join(',')}]}`);
        expect([202, 400, 413, 422]).toContain(status);
        expect(await storedAnything()).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps serving after all of it', async () => {
    const { status, body } = await post('/tasks', JSON.stringify(validTask));
    expect(status).toBe(202);
    expect(body).toMatchObject({ via: 'redis', duplicate: false });
  });
});
