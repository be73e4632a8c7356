import { errors } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { QueueLogicError, QueueTimeoutError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import { isNoScriptError, toQueueError } from '../../../lib/queue/redis/redis-errors.js';

// What the Upstash client throws for a reply error: the reply, then the command it sent.
const reply = (text: string) => new errors.UpstashError(`${text}, command was: [["evalsha","abc",1,"k"]]`);

describe('toQueueError', () => {
  it.each([
    ['TimeoutError', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['AbortError', new DOMException('This operation was aborted', 'AbortError')],
  ])('turns a %s into a QueueTimeoutError, keeping the cause', (_name, cause) => {
    const error = toQueueError(cause, 'enqueue');
    expect(error).toBeInstanceOf(QueueTimeoutError);
    expect(error.backend).toBe('redis');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('enqueue');
  });

  it.each([
    'ERR wrong number of arguments for command',
    'ERR Error running script (call to f_1234): @user_script:12: bad argument',
    'WRONGTYPE Operation against a key holding the wrong kind of value',
  ])('treats the reply %j as a logic error (never fail over)', (text) => {
    const cause = reply(text);
    const error = toQueueError(cause, 'enqueue');
    expect(error).toBeInstanceOf(QueueLogicError);
    expect(error).not.toBeInstanceOf(QueueUnavailableError);
    expect(error.cause).toBe(cause);
    // The command (with its arguments, maybe a payload) is left out of the message.
    expect(error.message).toBe(`redis enqueue: ${text}`);
  });

  it('accepts a bare UpstashError without the command suffix', () => {
    expect(toQueueError(new errors.UpstashError('ERR wrong number of arguments'), 'x')).toBeInstanceOf(
      QueueLogicError,
    );
  });

  it.each([
    "OOM command not allowed when used memory > 'maxmemory'.",
    "READONLY You can't write against a read only replica.",
    'LOADING Redis is loading the dataset in memory',
    'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.',
    'MASTERDOWN Link with MASTER is down',
    'ERR max requests limit exceeded. Limit: 10000, Usage: 10000',
    'ERR max daily requests limit exceeded',
    'ERR Too many requests',
  ])('treats the reply %j as unavailable (fail over)', (text) => {
    const cause = reply(text);
    const error = toQueueError(cause, 'enqueue');
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect(error).not.toBeInstanceOf(QueueTimeoutError);
    expect(error.cause).toBe(cause);
  });

  it('treats an unreadable reply as unavailable', () => {
    const cause = new errors.UpstashJSONParseError('<html>502 Bad Gateway</html>');
    const error = toQueueError(cause, 'claim');
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect(error.cause).toBe(cause);
  });

  it('treats network failures and unknown throwables as unavailable', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8079'), { code: 'ECONNREFUSED' }),
    });
    const fromFetch = toQueueError(refused, 'enqueue');
    expect(fromFetch).toBeInstanceOf(QueueUnavailableError);
    expect(fromFetch.cause).toBe(refused);
    expect(toQueueError('something odd', 'enqueue')).toBeInstanceOf(QueueUnavailableError);
    expect(toQueueError(new Error('ERR looks like a reply but is not from Upstash'), 'x')).toBeInstanceOf(
      QueueUnavailableError,
    );
  });

  it('returns a queue error unchanged', () => {
    const already = new QueueLogicError('redis enqueue: duplicate id', 'redis');
    expect(toQueueError(already, 'enqueue')).toBe(already);
  });
});

describe('isNoScriptError', () => {
  it('recognises NOSCRIPT replies only', () => {
    expect(isNoScriptError(reply('NOSCRIPT No matching script. Please use EVAL.'))).toBe(true);
    expect(isNoScriptError(reply('ERR unknown command'))).toBe(false);
    expect(isNoScriptError(new Error('NOSCRIPT'))).toBe(false);
  });
});
