import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createTandem, defineTask, type EnqueueReceipt, TaskValidationError } from '../../../lib/index.js';

const sendWelcome = defineTask({
  type: 'send-welcome',
  schema: z.object({ userId: z.string(), locale: z.enum(['en', 'fr']).default('en') }),
  handler: async () => ({ sent: true }),
});

// Loopback addresses nothing listens on: validation refuses before any request is made.
const env = {
  UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9',
  UPSTASH_REDIS_REST_TOKEN: 'unused',
  TASK_QUEUE_URL: 'http://127.0.0.1:9/000000000000/tasks',
  DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/000000000000/dead',
  JOURNAL_QUEUE_URL: 'http://127.0.0.1:9/000000000000/journal',
  SQS_ENDPOINT: 'http://127.0.0.1:9',
  TANDEM_API_TOKENS: 'unit-token-0123456789abcdef',
  TANDEM_SIGNING_SECRET: 'unit-signing-secret-0123456789',
};

describe('createTandem', () => {
  const tandem = createTandem({ tasks: [sendWelcome], env });

  it('type-checks a payload against its task’s schema', () => {
    expectTypeOf(tandem.enqueue<typeof sendWelcome>)
      .parameter(1)
      .toEqualTypeOf<{ userId: string; locale?: 'en' | 'fr' | undefined }>();
    // Inside a function that never runs: calling enqueue here would send it to backends that are not there.
    const enqueueWelcome = () => tandem.enqueue(sendWelcome, { userId: 'u1' });
    expectTypeOf(enqueueWelcome).returns.resolves.toEqualTypeOf<EnqueueReceipt>();
    const wrongPayload = () =>
      // @ts-expect-error userId must be a string
      tandem.enqueue(sendWelcome, { userId: 42 });
    const missingField = () =>
      // @ts-expect-error userId is required
      tandem.enqueue(sendWelcome, {});
    const bothTimes = () =>
      // @ts-expect-error delaySeconds and runAt exclude each other
      tandem.enqueue(sendWelcome, { userId: 'u1' }, { delaySeconds: 1, runAt: new Date() });
    expect([wrongPayload, missingField, bothTimes]).toHaveLength(3);
  });

  it('validates the payload at run time too, storing nothing', async () => {
    const untyped = tandem.enqueue as (task: unknown, payload: unknown) => Promise<unknown>;
    await expect(untyped(sendWelcome, { userId: 42 })).rejects.toBeInstanceOf(TaskValidationError);
  });

  it('reads the environment on first use, naming a bad variable', async () => {
    const broken = createTandem({ tasks: [sendWelcome], env: { ...env, REDIS_TIMEOUT_MS: 'soon' } });
    await expect(broken.enqueue(sendWelcome, { userId: 'u1' })).rejects.toThrow(/REDIS_TIMEOUT_MS/);
  });
});
