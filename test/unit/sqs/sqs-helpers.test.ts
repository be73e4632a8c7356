import { describe, expect, it } from 'vitest';
import { chunkBatches } from '../../../lib/queue/sqs/chunk-batches.js';
import { fifoDeduplicationId, fifoGroupId, fifoRecordIds } from '../../../lib/queue/sqs/fifo-message-ids.js';
import {
  needsHop,
  remainingDelaySeconds,
  sendDelaySeconds,
  visibilityWaitSeconds,
} from '../../../lib/queue/sqs/sqs-delay.js';
import { isFifoQueueUrl } from '../../../lib/queue/sqs/sqs-limits.js';
import { parseTaskBody, toTaskMessage } from '../../../lib/queue/sqs/task-message.js';
import type { TaskEnvelope } from '../../../lib/tasks/task-envelope.js';

const NOW = 1_700_000_000_000;

const envelope = (overrides: Partial<TaskEnvelope> = {}): TaskEnvelope => ({
  id: '01HZX3Q4W5E6R7T8Y9U0I1O2P3',
  type: 'email.send',
  payload: { to: 'a@example.com' },
  priority: 0,
  runAt: NOW,
  attempt: 0,
  maxAttempts: 3,
  timeoutMs: 30_000,
  traceId: 'trace-1',
  createdAt: NOW,
  enqueuedVia: 'redis',
  ...overrides,
});

describe('chunkBatches', () => {
  it('splits 25 items into 10, 10 and 5, in order', () => {
    const items = Array.from({ length: 25 }, (_, n) => n);
    const chunks = chunkBatches(items, () => 1);
    expect(chunks.map((chunk) => chunk.length)).toEqual([10, 10, 5]);
    expect(chunks.flat()).toEqual(items);
  });

  it('starts a new chunk before the byte budget would be exceeded', () => {
    const chunks = chunkBatches([400, 400, 300, 500], (size) => size, { maxCount: 10, maxBytes: 1000 });
    expect(chunks).toEqual([
      [400, 400],
      [300, 500],
    ]);
  });

  it('gives an item larger than the budget a chunk of its own', () => {
    const chunks = chunkBatches([10, 5000, 10], (size) => size, { maxCount: 10, maxBytes: 1000 });
    expect(chunks).toEqual([[10], [5000], [10]]);
  });

  it('returns no chunk for no items', () => {
    expect(chunkBatches([], () => 1)).toEqual([]);
  });
});

describe('delays and hops', () => {
  it('rounds the remaining delay up, so a task never arrives early by rounding', () => {
    expect(remainingDelaySeconds(NOW + 1001, NOW)).toBe(2);
    expect(remainingDelaySeconds(NOW + 2000, NOW)).toBe(2);
    expect(remainingDelaySeconds(NOW - 5000, NOW)).toBe(0);
  });

  it('sends whole seconds rounded down: a message may come up to a second early, never late', () => {
    expect(sendDelaySeconds(NOW + 2_999, NOW)).toBe(2);
    expect(sendDelaySeconds(NOW + 999, NOW)).toBe(0);
    expect(sendDelaySeconds(NOW - 5_000, NOW)).toBe(0);
  });

  it('sends up to 900 s of delay and marks longer waits as needing a hop', () => {
    expect(sendDelaySeconds(NOW + 899_000, NOW)).toBe(899);
    expect(needsHop(NOW + 900_000, NOW)).toBe(false);
    expect(sendDelaySeconds(NOW + 3_600_000, NOW)).toBe(900);
    expect(needsHop(NOW + 3_600_000, NOW)).toBe(true);
    // After the first hop lands, 2700 s remain: another 900, and so on until due.
    expect(sendDelaySeconds(NOW + 3_600_000, NOW + 900_000)).toBe(900);
    expect(sendDelaySeconds(NOW + 3_600_000, NOW + 3_000_000)).toBe(600);
  });

  it('caps a FIFO wait at the 12-hour visibility limit', () => {
    expect(visibilityWaitSeconds(NOW + 60_000, NOW)).toBe(60);
    expect(visibilityWaitSeconds(NOW + 86_400_000, NOW)).toBe(43_200);
  });

  it('recognises FIFO queue URLs', () => {
    expect(isFifoQueueUrl('https://sqs.eu-west-1.amazonaws.com/123/tandem-tasks.fifo')).toBe(true);
    expect(isFifoQueueUrl('https://sqs.eu-west-1.amazonaws.com/123/tandem-tasks')).toBe(false);
  });
});

describe('FIFO ids', () => {
  const allowed = /^[\x21-\x7e]{1,128}$/;

  it('hashes any idempotency key into SQS alphabet and length, the same for the same key', () => {
    const key = `${'ключ '.repeat(50)}\u{1F600}`;
    const first = fifoDeduplicationId(envelope({ idempotencyKey: key }));
    const second = fifoDeduplicationId(envelope({ id: 'other', idempotencyKey: key, runAt: NOW + 5 }));
    expect(first).toMatch(allowed);
    expect(second).toBe(first);
    expect(fifoDeduplicationId(envelope({ idempotencyKey: `${key}!` }))).not.toBe(first);
  });

  it('without a key, drops a repeated send but not a re-send of the same task at another attempt or time', () => {
    const base = fifoDeduplicationId(envelope());
    expect(base).toMatch(allowed);
    expect(fifoDeduplicationId(envelope())).toBe(base);
    expect(fifoDeduplicationId(envelope({ attempt: 1 }))).not.toBe(base);
    expect(fifoDeduplicationId(envelope({ runAt: NOW + 1000 }))).not.toBe(base);
  });

  it('groups a task by its id, and records by nothing at all', () => {
    expect(fifoGroupId(envelope())).toBe('01HZX3Q4W5E6R7T8Y9U0I1O2P3');
    const [a, b] = [fifoRecordIds(), fifoRecordIds()];
    expect(a.deduplicationId).not.toBe(b.deduplicationId);
    expect(a.groupId).not.toBe(b.groupId);
  });
});

describe('task messages', () => {
  it('marks the envelope as sent via SQS and delays it on a standard queue', () => {
    const message = toTaskMessage(envelope({ runAt: NOW + 30_000 }), false, NOW);
    expect(message.delaySeconds).toBe(30);
    expect(message.fifo).toBeUndefined();
    expect(parseTaskBody(message.body)).toEqual({
      ok: true,
      envelope: envelope({ runAt: NOW + 30_000, enqueuedVia: 'sqs' }),
    });
    expect(message.attributes).toEqual({
      type: { DataType: 'String', StringValue: 'email.send' },
      traceId: { DataType: 'String', StringValue: 'trace-1' },
      taskId: { DataType: 'String', StringValue: '01HZX3Q4W5E6R7T8Y9U0I1O2P3' },
    });
  });

  it('carries FIFO ids and no delay on a FIFO queue', () => {
    const message = toTaskMessage(envelope({ runAt: NOW + 30_000 }), true, NOW);
    expect(message.delaySeconds).toBeUndefined();
    expect(message.fifo?.groupId).toBe('01HZX3Q4W5E6R7T8Y9U0I1O2P3');
  });

  it('reports a body that is not an envelope instead of throwing', () => {
    expect(parseTaskBody('{').ok).toBe(false);
    expect(parseTaskBody('{"id":"x"}').ok).toBe(false);
  });
});
