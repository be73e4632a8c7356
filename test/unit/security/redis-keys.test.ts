import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idempotencyHash, queueKeys } from '../../../lib/queue/redis/queue-keys.js';
import { TaskIdSchema } from '../../../lib/tasks/task-envelope.js';

const keys = queueKeys('orders');

/** A key stays inside the queue's hash tag: it starts with the prefix and opens no other tag. */
function staysInside(key: string): boolean {
  return key.startsWith(`${keys.prefix}:`) && key.split('{').length === 2 && key.split('}').length === 2;
}

describe('Redis keys built from user input', () => {
  it('a task id the schema accepts can only extend the fixed prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (id) => {
        if (!TaskIdSchema.safeParse(id).success) return;
        expect(staysInside(keys.task(id))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    // 2,000 generated ids: about a second alone, several on a loaded machine.
  }, 30_000);

  it('refuses ids that would reach outside the hash tag or another key', () => {
    for (const id of ['{tandem:other}', 'a}b', 'x y', 'a\nb', '', ':x', '../x', 'a'.repeat(129)]) {
      expect(TaskIdSchema.safeParse(id).success, id).toBe(false);
    }
  });

  it('idempotency keys are hashed: any caller input becomes the same short, tame suffix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (key) => {
        const hashed = idempotencyHash(key);
        expect(hashed).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(staysInside(keys.idempotency(hashed))).toBe(true);
      }),
    );
  });
});
