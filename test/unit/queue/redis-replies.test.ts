import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { QueueUnavailableError } from '../../../lib/queue/errors.js';
import {
  expectReply,
  parseStoredEnvelope,
  RedisInt,
  StringListReply,
  toTaskStatus,
} from '../../../lib/queue/redis/redis-replies.js';
import { makeEnvelope } from '../../support/envelopes.js';

describe('toTaskStatus', () => {
  it('builds the status view from HGETALL’s flat list, ignoring fields it does not show', () => {
    const flat = [
      'type',
      'send-email',
      'state',
      'failed',
      'via',
      'sqs',
      'attempt',
      '2',
      'maxAttempts',
      '5',
      'createdAt',
      '1893456000000',
      'updatedAt',
      '1893456005000',
      'runAt',
      '1893456065000',
      'lastError',
      'Error: smtp connection reset',
      'result',
      '{"sent":true}',
      'envelope',
      '{"id":"t1"}',
    ];
    expect(toTaskStatus('t1', flat)).toEqual({
      id: 't1',
      type: 'send-email',
      state: 'failed',
      via: 'sqs',
      attempt: 2,
      maxAttempts: 5,
      createdAt: 1_893_456_000_000,
      updatedAt: 1_893_456_005_000,
      runAt: 1_893_456_065_000,
      lastError: 'Error: smtp connection reset',
      result: { sent: true },
    });
  });

  it('returns null for a task that does not exist (an empty hash)', () => {
    expect(toTaskStatus('missing', [])).toBeNull();
  });

  it('leaves out lastError and result when the hash has none', () => {
    const status = toTaskStatus('t2', ['type', 'noop', 'state', 'queued', 'via', 'redis', 'attempt', '0']);
    expect(status).toMatchObject({ id: 't2', state: 'queued', via: 'redis', attempt: 0 });
    expect(status).not.toHaveProperty('lastError');
    expect(status).not.toHaveProperty('result');
  });

  it('keeps a result that is not JSON as text, and a falsy JSON result as its value', () => {
    expect(toTaskStatus('t3', ['state', 'succeeded', 'result', 'plain text'])?.result).toBe('plain text');
    expect(toTaskStatus('t4', ['state', 'succeeded', 'result', '0'])?.result).toBe(0);
  });
});

describe('expectReply', () => {
  it('returns a reply of the expected shape, parsed', () => {
    expect(expectReply(StringListReply, ['a', 'b'], 'claim')).toEqual(['a', 'b']);
    expect(expectReply(RedisInt, '42', 'depths')).toBe(42);
    expect(expectReply(RedisInt, -3, 'depths')).toBe(-3);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['"Aborted"', 'Aborted'],
    ['a list with a number in it', ['a', 1]],
    ['an object', { ok: true }],
  ])('throws QueueUnavailableError for %s', (_label, value) => {
    let thrown: unknown;
    try {
      expectReply(StringListReply, value, 'claim');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QueueUnavailableError);
    expect(thrown).toMatchObject({ backend: 'redis', message: expect.stringContaining('claim') });
  });

  it('refuses a count that is not an integer', () => {
    expect(() => expectReply(RedisInt, 'twelve', 'depths')).toThrow(QueueUnavailableError);
    expect(() => expectReply(RedisInt, 1.5, 'depths')).toThrow(QueueUnavailableError);
    expect(() => expectReply(z.tuple([RedisInt, StringListReply]), [1], 'enqueue')).toThrow(
      QueueUnavailableError,
    );
  });
});

describe('parseStoredEnvelope', () => {
  it('parses a stored envelope', () => {
    const envelope = makeEnvelope();
    expect(parseStoredEnvelope(JSON.stringify(envelope), 'claim')).toEqual(envelope);
  });

  it('throws QueueUnavailableError for a corrupted one', () => {
    expect(() => parseStoredEnvelope('{not json', 'claim')).toThrow(QueueUnavailableError);
    expect(() => parseStoredEnvelope(JSON.stringify({ ...makeEnvelope(), attempt: -1 }), 'claim')).toThrow(
      QueueUnavailableError,
    );
  });
});
