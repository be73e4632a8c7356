import type { SQSClient } from '@aws-sdk/client-sqs';
import type { TaskEnvelope } from '../../tasks/task-envelope.js';
import { fifoRecordIds } from './fifo-message-ids.js';
import { scanMessages } from './scan-messages.js';
import { toSqsJson } from './sqs-json.js';
import { numberAttribute, type ReceivedMessage, stringAttribute } from './sqs-message.js';
import { type MessageCounts, SqsMessageQueue, type SqsQueueOptions } from './sqs-message-queue.js';
import { parseTaskBody, taskAttributes } from './task-message.js';

/** A task in the dead-letter queue, as listed. */
export interface DeadLetter {
  messageId: string;
  /** From the envelope, else from the message attribute; null when neither is readable. */
  taskId: string | null;
  /** Null when the body is not a task envelope (it is then kept, listed, and never replayed). */
  envelope: TaskEnvelope | null;
  body: string;
  reason: string;
  attempt: number;
  /** Epoch ms. */
  failedAt: number;
  /** True when SQS moved it here itself (maxReceiveCount reached) rather than Tandem with a reason. */
  redriven: boolean;
}

export interface SqsDeadLetterQueueOptions extends SqsQueueOptions {
  now?: () => number;
  /** Long-poll wait per listing page (default 1 s): an empty queue costs that much once per listing. */
  listWaitSeconds?: number;
}

export interface TakeDeadLetters {
  /** Only these task ids; every replayable one (up to `limit`) when omitted. */
  ids?: readonly string[];
  limit: number;
  /** Most messages to look through when searching for `ids` (default 1000). */
  scanLimit?: number;
}

// Characters every SQS implementation accepts in a body (AWS also takes U+10000 and up; emulators may not).
const NOT_SENDABLE = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu;
const MAX_RAW_BODY_CHARS = 200_000;

/** A body kept for people to read must be storable: unsendable characters are replaced, the tail cut. */
function sendableBody(body: string): string {
  const cleaned = body.replace(NOT_SENDABLE, '\uFFFD');
  return cleaned.length > MAX_RAW_BODY_CHARS
    ? `${cleaned.slice(0, MAX_RAW_BODY_CHARS)}…`
    : cleaned || '(empty)';
}

/** Reasons are for people; a stack trace has no business in a message attribute. */
const MAX_REASON_LENGTH = 1024;
/** How long a listing hides what it read before giving it back (see `scanMessages`). */
const LIST_HOLD_SECONDS = 30;

/**
 * The dead-letter queue: tasks that spent their attempts (sent here by the consumer, with a reason) or
 * that SQS itself redrove after `maxReceiveCount` deliveries.
 */
export class SqsDeadLetterQueue {
  private readonly queue: SqsMessageQueue;
  private readonly now: () => number;
  private readonly listWaitSeconds: number;

  constructor(client: SQSClient, queueUrl: string, options: SqsDeadLetterQueueOptions) {
    this.queue = new SqsMessageQueue(client, queueUrl, options);
    this.now = options.now ?? Date.now;
    this.listWaitSeconds = options.listWaitSeconds ?? 1;
  }

  /**
   * Stores a task that will not run again, with why and after which attempt. Delete the task-queue message
   * only after this resolves.
   */
  async deadLetter(envelope: TaskEnvelope, reason: string, attempt: number): Promise<void> {
    await this.#send(envelope.id, toSqsJson(envelope), reason, attempt, taskAttributes(envelope));
  }

  /** Keeps a message that is not a task at all, with why, for a person to look at; it is never replayed. */
  async deadLetterRaw(body: string, reason: string): Promise<void> {
    await this.#send('unreadable', sendableBody(body), reason, 0, {});
  }

  async #send(
    label: string,
    body: string,
    reason: string,
    attempt: number,
    attributes: ReturnType<typeof taskAttributes> | Record<string, never>,
  ): Promise<void> {
    await this.queue.send([
      {
        label,
        body,
        attributes: {
          ...attributes,
          reason: stringAttribute(reason.slice(0, MAX_REASON_LENGTH) || 'unknown'),
          attempt: numberAttribute(attempt),
          failedAt: numberAttribute(this.now()),
        },
        ...(this.queue.fifo ? { fifo: fifoRecordIds() } : {}),
      },
    ]);
  }

  /**
   * Lists up to `max` dead letters without removing them. SQS cannot peek, so the listing receives them,
   * holding each for a few seconds so later pages do not repeat earlier ones, then makes them all visible
   * again at once. If that release fails, they come back by themselves after the hold.
   */
  async listDeadLetters(max: number): Promise<DeadLetter[]> {
    const messages = await this.scan(max);
    await this.queue.changeVisibilities(
      messages.map((message) => message.receiptHandle),
      0,
    );
    return messages.map(toDeadLetter);
  }

  /**
   * Hands the chosen dead letters to `use` (typically: enqueue them again) and deletes them only once it
   * resolved. If `use` throws, they are released untouched and the error propagates: a replay never loses one.
   * Resolves with the letters taken.
   */
  async takeDeadLetters(
    select: TakeDeadLetters,
    use: (letters: DeadLetter[]) => Promise<void>,
  ): Promise<DeadLetter[]> {
    const wanted = select.ids ? new Set(select.ids) : undefined;
    const messages = await this.scan(wanted ? (select.scanLimit ?? 1000) : select.limit);
    const taken: ReceivedMessage[] = [];
    const others: ReceivedMessage[] = [];
    for (const message of messages) {
      const letter = toDeadLetter(message);
      const chosen =
        letter.envelope !== null &&
        taken.length < select.limit &&
        (wanted === undefined || wanted.has(letter.envelope.id));
      (chosen ? taken : others).push(message);
    }
    const release = (list: ReceivedMessage[]) =>
      this.queue.changeVisibilities(
        list.map((message) => message.receiptHandle),
        0,
      );
    try {
      if (taken.length > 0) await use(taken.map(toDeadLetter));
    } catch (error) {
      await release(messages).catch(() => undefined);
      throw error;
    }
    // A letter SQS fails to delete stays listed and may be replayed again later; the run claim by task id
    // keeps that to one run where Redis is up, as for any duplicate delivery.
    await this.queue.deleteMessages(taken.map((message) => message.receiptHandle));
    await release(others);
    return taken.map(toDeadLetter);
  }

  counts(): Promise<MessageCounts> {
    return this.queue.counts();
  }

  private scan(max: number): Promise<ReceivedMessage[]> {
    return scanMessages(this.queue, {
      max,
      holdSeconds: LIST_HOLD_SECONDS,
      waitSeconds: this.listWaitSeconds,
    });
  }
}

function toDeadLetter(message: ReceivedMessage): DeadLetter {
  const parsed = parseTaskBody(message.body);
  const envelope = parsed.ok ? parsed.envelope : null;
  const reason = message.attributes.reason;
  const attempt = Number(message.attributes.attempt);
  const failedAt = Number(message.attributes.failedAt);
  return {
    messageId: message.messageId,
    taskId: envelope?.id ?? message.attributes.taskId ?? null,
    envelope,
    body: message.body,
    reason: reason ?? (parsed.ok ? 'delivered maxReceiveCount times' : parsed.error),
    attempt: Number.isFinite(attempt) ? attempt : (envelope?.attempt ?? 0),
    failedAt: Number.isFinite(failedAt) ? failedAt : message.sentAt,
    redriven: reason === undefined,
  };
}
