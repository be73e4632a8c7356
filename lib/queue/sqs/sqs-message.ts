import type { MessageAttributeValue, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { FifoMessageIds } from './fifo-message-ids.js';

/** A message we are about to send, before it becomes a batch entry. */
export interface OutgoingMessage {
  /** Names the message in errors (a task id): batch entry ids cannot carry task ids, which allow `.` and `:`. */
  label: string;
  body: string;
  /** String message attributes (Number ones are strings on the wire too). */
  attributes: Record<string, MessageAttributeValue>;
  /** Standard queues only: FIFO queues refuse a per-message delay. */
  delaySeconds?: number;
  /** FIFO queues only. */
  fifo?: FifoMessageIds;
}

/** A message as a consumer sees it. */
export interface ReceivedMessage {
  messageId: string;
  /** Needed to delete the message or change its visibility; a new one is issued on every receive. */
  receiptHandle: string;
  body: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** SentTimestamp, epoch ms. */
  sentAt: number;
  /** Message attributes by name (their string values). */
  attributes: Record<string, string>;
}

export const stringAttribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value,
});
export const numberAttribute = (value: number): MessageAttributeValue => ({
  DataType: 'Number',
  StringValue: String(value),
});

/** Bytes SQS counts against its size limits: body, then name, data type and value of every attribute. */
export function messageBytes(message: OutgoingMessage): number {
  let bytes = Buffer.byteLength(message.body, 'utf8');
  for (const [name, value] of Object.entries(message.attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8');
    bytes += Buffer.byteLength(value.StringValue ?? '', 'utf8');
  }
  return bytes;
}

/** The SendMessageBatch entry for `message`; `entryId` must be unique within its batch. */
export function toBatchEntry(entryId: string, message: OutgoingMessage): SendMessageBatchRequestEntry {
  return {
    Id: entryId,
    MessageBody: message.body,
    MessageAttributes: message.attributes,
    ...(message.delaySeconds !== undefined ? { DelaySeconds: message.delaySeconds } : {}),
    ...(message.fifo
      ? { MessageGroupId: message.fifo.groupId, MessageDeduplicationId: message.fifo.deduplicationId }
      : {}),
  };
}
