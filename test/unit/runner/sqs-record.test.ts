import { describe, expect, it } from 'vitest';
import { wakeMessageBody } from '../../../lib/queue/wake/wake-message.js';
import { parseSqsRecord } from '../../../lib/runner/sqs-record.js';
import { makeEnvelope } from '../../support/envelopes.js';

const record = (overrides: Record<string, unknown> = {}) => ({
  messageId: 'm-1',
  receiptHandle: 'rh-1',
  body: JSON.stringify(makeEnvelope()),
  attributes: { ApproximateReceiveCount: '2' },
  eventSource: 'aws:sqs',
  ...overrides,
});

describe('an SQS record at the boundary', () => {
  it('becomes a task envelope with its receive count', () => {
    const parsed = parseSqsRecord(record());
    expect(parsed.ok && 'task' in parsed && parsed.receiveCount).toBe(2);
  });

  it('tells a wake-up from a task', () => {
    const parsed = parseSqsRecord(record({ body: wakeMessageBody(1_800_000_000_000) }));
    expect(parsed.ok && 'wake' in parsed && parsed.wake).toEqual({
      tandem: 'wake',
      dueAt: 1_800_000_000_000,
    });
  });

  it.each([
    ['no body', { body: undefined }, /body/],
    ['a body that is not a string', { body: { id: 'x' } }, /body/],
    ['no attributes', { attributes: undefined }, /attributes/],
    [
      'a receive count that is not a number',
      { attributes: { ApproximateReceiveCount: 'two' } },
      /ApproximateReceiveCount/,
    ],
    ['no receipt handle', { receiptHandle: undefined }, /receiptHandle/],
    ['a body that is not JSON', { body: '{' }, /not JSON/],
    ['a body that is not a task', { body: '{"id":1}' }, /not a task envelope/],
  ])('is refused with a reason for %s', (_name, overrides, reason) => {
    const parsed = parseSqsRecord(record(overrides));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('keeps something readable of a record that is not one at all', () => {
    for (const input of [null, 42, 'text', [1, 2]]) {
      const parsed = parseSqsRecord(input);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(typeof parsed.body).toBe('string');
    }
  });
});
