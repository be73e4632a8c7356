import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { type TaskEnvelope, TaskEnvelopeSchema } from '../../tasks/task-envelope.js';
import { fifoTaskIds } from './fifo-message-ids.js';
import { sendDelaySeconds } from './sqs-delay.js';
import { toSqsJson } from './sqs-json.js';
import { type OutgoingMessage, stringAttribute } from './sqs-message.js';

/** Attributes every Tandem message carries, so consumers and operators can route and trace without the body. */
export function taskAttributes(envelope: TaskEnvelope): Record<string, MessageAttributeValue> {
  return {
    type: stringAttribute(envelope.type),
    traceId: stringAttribute(envelope.traceId),
    taskId: stringAttribute(envelope.id),
  };
}

/**
 * The message that stores `envelope` in the task queue: the envelope as JSON, marked as sent via SQS,
 * delayed until `runAt` (up to 15 minutes) on a standard queue, or carrying FIFO ids on a FIFO queue.
 */
export function toTaskMessage(envelope: TaskEnvelope, fifo: boolean, now: number): OutgoingMessage {
  const stored: TaskEnvelope = { ...envelope, enqueuedVia: 'sqs' };
  const message: OutgoingMessage = {
    label: envelope.id,
    body: toSqsJson(stored),
    attributes: taskAttributes(stored),
  };
  // FIFO queues refuse per-message delays: the consumer waits out runAt with the message's visibility instead.
  if (fifo) message.fifo = fifoTaskIds(stored);
  else message.delaySeconds = sendDelaySeconds(envelope.runAt, now);
  return message;
}

export type ParsedTaskBody = { ok: true; envelope: TaskEnvelope } | { ok: false; error: string };

/** Reads a message body back into an envelope; a body that is not one is reported, never thrown. */
export function parseTaskBody(body: string): ParsedTaskBody {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: `body is not JSON: ${(error as Error).message}` };
  }
  const parsed = TaskEnvelopeSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: `body is not a task envelope: ${parsed.error.message}` };
  return { ok: true, envelope: parsed.data };
}
