import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSqsRecord } from '../../local/event-source/to-sqs-record.js';
import { makeEnvelope } from '../support/envelopes.js';
import { plentyOfTime } from '../support/sqs-records.js';
import { type HarnessRuntime, startTandemHarness, type TandemHarness } from '../support/tandem-harness.js';

let harness: TandemHarness;
let runtime: HarnessRuntime;

beforeAll(async () => {
  harness = await startTandemHarness();
  runtime = await harness.runtime();
});
afterAll(async () => {
  await harness?.stop();
});

const record = (body: string, n: number) =>
  toSqsRecord(
    {
      messageId: `m-${n}`,
      receiptHandle: `r-${n}`,
      body,
      receiveCount: 1,
      sentAt: Date.now(),
      attributes: {},
    },
    'arn:aws:sqs:us-east-1:000000000000:tasks',
  );

/** For each envelope field, values no valid envelope has. */
const invalidFields: Record<string, unknown[]> = {
  id: [null, -1, '', '../../etc/passwd', '{tandem:other}:ready'],
  type: [null, -1, '', '../x'],
  priority: [null, -1, 256, 'high'],
  runAt: [null, -1, 1e308, '2024-13-45T99:00:00Z'],
  attempt: [null, -1, 'one'],
  maxAttempts: [null, 0, 101],
  timeoutMs: [null, 0, 1e12],
  enqueuedVia: [null, 'carrier-pigeon'],
};

/** Bodies that are not valid task envelopes: garbage, wrong types, hostile keys, bad dates and sizes. */
const badBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc
    .constantFrom(...Object.entries(invalidFields))
    .chain(([field, values]) => fc.constantFrom(...values).map((value) => ({ field, value })))
    .map(({ field, value }) => JSON.stringify({ ...makeEnvelope(), [field]: value })),
  fc.constantFrom(
    '{"__proto__":{"polluted":true}}',
    `{"constructor":{"prototype":{"polluted":true}},"id":"x"}`,
    JSON.stringify({ ...makeEnvelope(), extra: 'field' }),
    '['.repeat(5000) + ']'.repeat(5000),
    // A valid envelope whose payload nests far deeper than anything recursive can walk.
    JSON.stringify(makeEnvelope()).replace(
      '"payload":{"n":1}',
      `"payload":${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    ),
  ),
);

describe('bad SQS records (property-based)', () => {
  it('every malformed record is dead-lettered with a reason, never retried, never stored, never run', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(badBody, { minLength: 1, maxLength: 5 }), async (bodies) => {
        const before = await runtime.adapters.redis.depths();
        const result = await runtime.consumeSqs(
          bodies.map((body, n) => record(body, n)),
          plentyOfTime,
        );
        expect(result.batchItemFailures).toEqual([]);
        expect(result.outcomes.invalid).toBe(bodies.length);
        const after = await runtime.adapters.redis.depths();
        expect(after.ready.depth + after.active.depth + after.delayed.depth).toBe(
          before.ready.depth + before.active.depth + before.delayed.depth,
        );
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 40 },
    );
    const letters = await runtime.adapters.sqs.deadLetters.listDeadLetters(10);
    expect(letters.length).toBeGreaterThan(0);
    expect(letters.every((letter) => letter.envelope === null && letter.reason.length > 0)).toBe(true);
  });
});
