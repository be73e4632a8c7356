import type { BatchResultErrorEntry, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { QueueLogicError, QueueUnavailableError } from '../errors.js';
import { chunkBatches } from './chunk-batches.js';
import { messageBytes, type OutgoingMessage, toBatchEntry } from './sqs-message.js';

/** What one SendMessageBatch answered; the shape of the SDK's output, so the SDK call can be passed as is. */
export interface SendBatchAnswer {
  Successful?: Array<{ Id: string | undefined; MessageId?: string | undefined }> | undefined;
  Failed?: BatchResultErrorEntry[] | undefined;
}

/** Sends one SendMessageBatch request; throws a QueueError when the request itself fails. */
export type SendBatch = (entries: SendMessageBatchRequestEntry[]) => Promise<SendBatchAnswer>;

/** One entry SQS did not accept, kept as the `cause` of the error that names it. */
export class SqsEntryRefusedError extends Error {
  override readonly name = 'SqsEntryRefusedError';
  constructor(
    readonly label: string,
    readonly code: string,
    /** True when SQS blames the message itself: sending it again cannot help. */
    readonly senderFault: boolean,
    detail: string,
  ) {
    super(`${label}: ${code}${detail ? ` (${detail})` : ''}`);
  }
}

interface Indexed {
  index: number;
  message: OutgoingMessage;
}

/**
 * Sends messages in batches of at most 10 entries and 256 KiB, in parallel, and resolves with the SQS message
 * id of each message, in order, only when SQS accepted every one of them.
 *
 * SendMessageBatch answers 200 even when some entries fail: each failure is listed in `Failed`. Entries
 * that failed for SQS's own reasons are sent once more; entries SQS blamed on us (`SenderFault`) are not,
 * since the same bytes would fail the same way. Whatever still failed makes the call throw, naming the
 * messages: QueueUnavailableError if any failure was SQS's, else QueueLogicError. An entry missing from
 * both lists counts as failed: success is only what SQS confirmed.
 */
export async function sendInBatches(
  messages: readonly OutgoingMessage[],
  sendBatch: SendBatch,
): Promise<string[]> {
  const indexed = messages.map((message, index) => ({ index, message }));
  const chunks = chunkBatches(indexed, (item) => messageBytes(item.message));
  const settled = await Promise.allSettled(chunks.map((chunk) => sendChunk(chunk, sendBatch)));

  const messageIds: string[] = [];
  const refused: SqsEntryRefusedError[] = [];
  for (const outcome of settled) {
    // A request that failed outright wins: it says more about the backend than any single entry.
    if (outcome.status === 'rejected') throw outcome.reason;
    for (const [index, id] of outcome.value.sent) messageIds[index] = id;
    refused.push(...outcome.value.refused);
  }
  if (refused.length > 0) throw refusedError(refused, messages.length);
  return messageIds;
}

async function sendChunk(
  chunk: Indexed[],
  sendBatch: SendBatch,
): Promise<{ sent: Map<number, string>; refused: SqsEntryRefusedError[] }> {
  const sent = new Map<number, string>();
  const first = await sendOnce(chunk, sendBatch, sent);
  const retryable = first.filter((failure) => !failure.error.senderFault).map((failure) => failure.item);
  const final = first.filter((failure) => failure.error.senderFault);
  if (retryable.length > 0) final.push(...(await sendOnce(retryable, sendBatch, sent)));
  return { sent, refused: final.map((failure) => failure.error) };
}

async function sendOnce(
  items: Indexed[],
  sendBatch: SendBatch,
  sent: Map<number, string>,
): Promise<Array<{ item: Indexed; error: SqsEntryRefusedError }>> {
  // Batch entry ids only need to be unique per request; the index maps them back to the caller's order.
  const answer = await sendBatch(items.map((item) => toBatchEntry(`m${item.index}`, item.message)));
  const accepted = new Map((answer.Successful ?? []).map((entry) => [entry.Id, entry.MessageId]));
  const failed = new Map((answer.Failed ?? []).map((entry) => [entry.Id, entry]));
  const failures: Array<{ item: Indexed; error: SqsEntryRefusedError }> = [];
  for (const item of items) {
    const entryId = `m${item.index}`;
    const messageId = accepted.get(entryId);
    if (messageId) {
      sent.set(item.index, messageId);
      continue;
    }
    const failure = failed.get(entryId);
    const error = failure
      ? new SqsEntryRefusedError(
          item.message.label,
          failure.Code ?? 'Unknown',
          failure.SenderFault === true,
          failure.Message ?? '',
        )
      : new SqsEntryRefusedError(
          item.message.label,
          'NoAnswer',
          false,
          'SQS neither accepted nor refused it',
        );
    failures.push({ item, error });
  }
  return failures;
}

function refusedError(refused: SqsEntryRefusedError[], total: number): Error {
  const named = refused
    .slice(0, 10)
    .map((error) => error.message)
    .join('; ');
  const more = refused.length > 10 ? `; and ${refused.length - 10} more` : '';
  const message = `SQS refused ${refused.length} of ${total} messages: ${named}${more}`;
  const cause = new AggregateError(refused, message);
  return refused.every((error) => error.senderFault)
    ? new QueueLogicError(message, 'sqs', { cause })
    : new QueueUnavailableError(message, 'sqs', { cause });
}
