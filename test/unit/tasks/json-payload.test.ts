import { describe, expect, it } from 'vitest';
import { JsonPayloadSchema, MAX_PAYLOAD_DEPTH } from '../../../lib/tasks/json-payload.js';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('JsonPayloadSchema', () => {
  it('accepts JSON values up to the depth limit', () => {
    for (const value of [
      null,
      true,
      0,
      -1.5,
      'text',
      [],
      {},
      { a: [1, { b: 'c' }] },
      nested(MAX_PAYLOAD_DEPTH),
    ]) {
      expect(JsonPayloadSchema.safeParse(value).success).toBe(true);
    }
  });

  it('refuses hostile nesting without overflowing the stack', () => {
    const result = JsonPayloadSchema.safeParse(nested(100_000));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/deeper than/);
    expect(JsonPayloadSchema.safeParse(nested(MAX_PAYLOAD_DEPTH + 1)).success).toBe(false);
  });

  it('refuses what JSON cannot carry', () => {
    for (const value of [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      () => 1,
      new Date(),
      new Map(),
      { a: 1n },
    ]) {
      expect(JsonPayloadSchema.safeParse(value).success).toBe(false);
    }
  });
});
