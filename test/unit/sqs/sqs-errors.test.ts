import { InvalidAddress, OverLimit, QueueDoesNotExist, RequestThrottled } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { QueueLogicError, QueueTimeoutError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import { toQueueError } from '../../../lib/queue/sqs/sqs-errors.js';

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const named = (message: string, name: string) => Object.assign(new Error(message), { name });

describe('toQueueError', () => {
  it.each([
    [
      'the SDK request timeout',
      Object.assign(named('exceeded requestTimeout', 'TimeoutError'), { code: 'ETIMEDOUT' }),
    ],
    ['our deadline (an abort)', named('Request aborted', 'AbortError')],
  ])('maps %s to QueueTimeoutError', (_, error) => {
    expect(toQueueError(error, 'SendMessageBatch')).toBeInstanceOf(QueueTimeoutError);
  });

  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')],
    ['a reset connection', withCode('socket hang up', 'ECONNRESET')],
    ['a DNS failure', withCode('getaddrinfo ENOTFOUND sqs', 'ENOTFOUND')],
    ['throttling', new RequestThrottled({ message: 'slow down', ...metadata(400) })],
    ['the in-flight limit', new OverLimit({ message: 'too many in flight', ...metadata(403) })],
    ['a 5xx', Object.assign(named('boom', 'InternalError'), { $fault: 'server', ...metadata(500) })],
    ['a 429 without a known code', Object.assign(named('wait', 'Whatever'), metadata(429))],
    ['a reply the SDK could not parse', named('Unexpected token < in JSON', 'SyntaxError')],
  ])('maps %s to QueueUnavailableError', (_, error) => {
    const mapped = toQueueError(error, 'SendMessageBatch');
    expect(mapped).toBeInstanceOf(QueueUnavailableError);
    expect(mapped).not.toBeInstanceOf(QueueTimeoutError);
  });

  it.each([
    [
      'a missing queue',
      new QueueDoesNotExist({ message: 'The specified queue does not exist.', ...metadata(400) }),
    ],
    ['a bad address', new InvalidAddress({ message: 'bad url', ...metadata(400) })],
    [
      'a bad parameter',
      Object.assign(named('too long', 'InvalidParameterValue'), { $fault: 'client', ...metadata(400) }),
    ],
  ])('maps %s to QueueLogicError', (_, error) => {
    expect(toQueueError(error, 'SendMessage')).toBeInstanceOf(QueueLogicError);
  });

  it('keeps the original as cause and names the operation', () => {
    const original = new QueueDoesNotExist({ message: 'gone', ...metadata(400) });
    const mapped = toQueueError(original, 'ReceiveMessage');
    expect(mapped.cause).toBe(original);
    expect(mapped.backend).toBe('sqs');
    expect(mapped.message).toBe('SQS ReceiveMessage failed: QueueDoesNotExist: gone');
  });

  it('passes a QueueError through unchanged', () => {
    const error = new QueueLogicError('already mapped', 'sqs');
    expect(toQueueError(error, 'SendMessage')).toBe(error);
  });
});
