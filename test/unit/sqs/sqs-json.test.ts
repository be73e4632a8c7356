import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSqsJson } from '../../../lib/queue/sqs/sqs-json.js';

describe('toSqsJson', () => {
  it('gives back the same value, in plain ASCII that any SQS accepts', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const body = toSqsJson(value);
        expect(body).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('escapes emoji and other characters outside the basic plane', () => {
    expect(toSqsJson({ text: 'héllo 😀' })).toBe('{"text":"h\\u00e9llo \\ud83d\\ude00"}');
  });
});
