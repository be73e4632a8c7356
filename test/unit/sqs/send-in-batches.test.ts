import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { QueueLogicError, QueueUnavailableError } from '../../../lib/queue/errors.js';
import {
  type SendBatch,
  type SendBatchAnswer,
  sendInBatches,
} from '../../../lib/queue/sqs/send-in-batches.js';
import type { OutgoingMessage } from '../../../lib/queue/sqs/sqs-message.js';

const message = (label: string, body = `{"id":"${label}"}`): OutgoingMessage => ({
  label,
  body,
  attributes: {},
});

/** An in-memory SendMessageBatch: `decide` says, per attempt and body, whether an entry is refused and how. */
function fakeSendBatch(
  decide: (body: string, attempt: number) => { Code: string; SenderFault: boolean } | 'accept' | 'omit',
) {
  const requests: SendMessageBatchRequestEntry[][] = [];
  const attempts = new Map<string, number>();
  const send: SendBatch = async (entries) => {
    requests.push(entries);
    const successful: NonNullable<SendBatchAnswer['Successful']> = [];
    const failed: NonNullable<SendBatchAnswer['Failed']> = [];
    for (const entry of entries) {
      const body = entry.MessageBody ?? '';
      const attempt = (attempts.get(body) ?? 0) + 1;
      attempts.set(body, attempt);
      const verdict = decide(body, attempt);
      if (verdict === 'accept') successful.push({ Id: entry.Id, MessageId: `msg-${body}` });
      else if (verdict !== 'omit') failed.push({ Id: entry.Id, ...verdict, Message: 'nope' });
    }
    return { Successful: successful, Failed: failed };
  };
  return { send, requests };
}

describe('sendInBatches', () => {
  it('sends 25 messages as 10 + 10 + 5 and returns their message ids in order', async () => {
    const fake = fakeSendBatch(() => 'accept');
    const messages = Array.from({ length: 25 }, (_, n) => message(`t${n}`));

    const ids = await sendInBatches(messages, fake.send);

    expect(fake.requests.map((entries) => entries.length)).toEqual([10, 10, 5]);
    expect(ids).toEqual(messages.map((sent) => `msg-${sent.body}`));
  });

  it('retries an entry SQS failed on its side once, and succeeds when the retry is accepted', async () => {
    const flaky = message('flaky');
    const fake = fakeSendBatch((body, attempt) =>
      body === flaky.body && attempt === 1 ? { Code: 'InternalError', SenderFault: false } : 'accept',
    );

    const ids = await sendInBatches([message('a'), flaky, message('b')], fake.send);

    expect(ids).toHaveLength(3);
    expect(fake.requests.map((entries) => entries.map((entry) => entry.MessageBody))).toEqual([
      ['{"id":"a"}', flaky.body, '{"id":"b"}'],
      [flaky.body],
    ]);
  });

  it('throws QueueUnavailableError naming the entries that failed twice', async () => {
    const fake = fakeSendBatch((body) =>
      body.includes('down') ? { Code: 'ServiceUnavailable', SenderFault: false } : 'accept',
    );

    const attempt = sendInBatches([message('ok'), message('down-1'), message('down-2')], fake.send);

    await expect(attempt).rejects.toBeInstanceOf(QueueUnavailableError);
    await expect(attempt).rejects.toThrow(/refused 2 of 3 messages: down-1: ServiceUnavailable.*down-2/);
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry an entry SQS blamed on the sender, and throws QueueLogicError', async () => {
    const fake = fakeSendBatch((body) =>
      body.includes('huge') ? { Code: 'InvalidParameterValue', SenderFault: true } : 'accept',
    );

    await expect(sendInBatches([message('huge'), message('fine')], fake.send)).rejects.toBeInstanceOf(
      QueueLogicError,
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('treats an entry missing from both lists as not stored', async () => {
    const fake = fakeSendBatch((body) => (body.includes('ghost') ? 'omit' : 'accept'));

    await expect(sendInBatches([message('ghost')], fake.send)).rejects.toThrow(/ghost: NoAnswer/);
    expect(fake.requests).toHaveLength(2);
  });

  it('lets a failed request fail the whole call', async () => {
    const failure = new QueueUnavailableError('connection refused', 'sqs');
    const send: SendBatch = async () => {
      throw failure;
    };

    await expect(sendInBatches([message('a')], send)).rejects.toBe(failure);
  });
});
