import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { buildEnvelope } from '../../../lib/tasks/build-envelope.js';
import { defineTask } from '../../../lib/tasks/define-task.js';
import { TaskValidationError } from '../../../lib/tasks/errors.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';

const tenantJob = defineTask({
  type: 'tenant-job',
  schema: z.object({ tenant: z.string() }),
  concurrency: { limit: 2, key: ({ tenant }) => tenant },
  rateLimit: { limit: 10, periodMs: 1_000, key: ({ tenant }) => `api:${tenant}` },
  handler: async () => {},
});
const plain = defineTask({ type: 'plain', schema: z.unknown(), handler: async () => {} });
const registry = new TaskRegistry([tenantJob, plain]);

describe('limits declared on a task', () => {
  it.each([
    [{ concurrency: { limit: 0 } }, /concurrency.limit must be a whole number from 1/],
    [{ concurrency: { limit: 1.5 } }, /concurrency.limit/],
    [{ concurrency: { limit: 10_001 } }, /concurrency.limit/],
    [{ rateLimit: { limit: 5, periodMs: 0 } }, /rateLimit.periodMs must be a whole number of milliseconds/],
    [{ rateLimit: { limit: -1, periodMs: 1_000 } }, /rateLimit.limit/],
    [{ rateLimit: { limit: 1, periodMs: Number.NaN } }, /rateLimit.periodMs/],
    [{ concurrency: { limit: 1, key: 'tenant' } }, /concurrency.key must be a function/],
  ])('refuses an impossible limit at definition: %j', (limits, message) => {
    const define = () =>
      defineTask({ type: 'bad', schema: z.unknown(), handler: async () => {}, ...(limits as object) });
    expect(define).toThrow(TaskValidationError);
    expect(define).toThrow(message);
  });

  it('computes the keys from the parsed payload at enqueue', () => {
    const envelope = buildEnvelope(registry, { type: 'tenant-job', payload: { tenant: 'acme' } });
    expect(envelope.limits).toEqual({
      concurrency: { key: 'acme', limit: 2 },
      rate: { key: 'api:acme', limit: 10, periodMs: 1_000 },
    });
    expect(buildEnvelope(registry, { type: 'plain', payload: 1 }).limits).toBeUndefined();
  });

  it('takes a key given at enqueue instead', () => {
    const envelope = buildEnvelope(registry, {
      type: 'tenant-job',
      payload: { tenant: 'acme' },
      concurrencyKey: 'shared-pool',
      rateLimitKey: 'vendor',
    });
    expect(envelope.limits?.concurrency?.key).toBe('shared-pool');
    expect(envelope.limits?.rate?.key).toBe('vendor');
  });

  it('refuses a key override for a limit the type does not declare, or a key that is not a short string', () => {
    expect(() => buildEnvelope(registry, { type: 'plain', payload: 1, concurrencyKey: 'k' })).toThrow(
      /declares no concurrency limit/,
    );
    expect(() => buildEnvelope(registry, { type: 'plain', payload: 1, rateLimitKey: 'k' })).toThrow(
      /declares no rate limit/,
    );
    expect(() =>
      buildEnvelope(registry, { type: 'tenant-job', payload: { tenant: 'a' }, concurrencyKey: '' }),
    ).toThrow(TaskValidationError);
    const badKey = new TaskRegistry([
      defineTask({
        type: 'bad-key',
        schema: z.object({ n: z.number() }),
        concurrency: {
          limit: 1,
          key: ({ n }) => (n > 0 ? 'x'.repeat(300) : (undefined as unknown as string)),
        },
        handler: async () => {},
      }),
    ]);
    expect(() => buildEnvelope(badKey, { type: 'bad-key', payload: { n: 1 } })).toThrow(
      /1 to 256 characters/,
    );
    expect(() => buildEnvelope(badKey, { type: 'bad-key', payload: { n: 0 } })).toThrow(
      /1 to 256 characters/,
    );
  });

  it('refuses a task whose key function throws, with the cause', () => {
    const throwing = new TaskRegistry([
      defineTask({
        type: 'throws',
        schema: z.unknown(),
        rateLimit: {
          limit: 1,
          periodMs: 1_000,
          key: () => {
            throw new Error('no tenant');
          },
        },
        handler: async () => {},
      }),
    ]);
    let error: unknown;
    try {
      buildEnvelope(throwing, { type: 'throws', payload: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TaskValidationError);
    expect((error as Error).cause).toEqual(new Error('no tenant'));
  });
});
