import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { TaskEnvelope } from '../../tasks/task-envelope.js';
import { QueueLogicError } from '../errors.js';
import type { EnqueueResult, TaskSink } from '../task-queue.js';
import { WAKE_MESSAGE_TYPE, wakeMessageBody } from '../wake/wake-message.js';
import { sendDelaySeconds } from './sqs-delay.js';
import { type ReceivedMessage, stringAttribute } from './sqs-message.js';
import {
  type MessageCounts,
  type ReceiveOptions,
  SqsMessageQueue,
  type SqsQueueOptions,
} from './sqs-message-queue.js';
import { toTaskMessage } from './task-message.js';

export interface SqsTaskQueueOptions extends SqsQueueOptions {
  /** Clock for delays and states; tests may pin it. */
  now?: () => number;
}

/**
 * The SQS side of the task queue: the durable fallback producer, plus the message operations the consumer
 * and the local event-source emulator need.
 *
 * @example
 * const tasks = new SqsTaskQueue(client, config.sqs.taskQueueUrl, { timeoutMs: config.sqs.timeoutMs });
 * await tasks.enqueue([envelope]); // resolves only once SQS accepted it
 */
export class SqsTaskQueue implements TaskSink {
  readonly backend = 'sqs' as const;
  readonly fifo: boolean;
  private readonly queue: SqsMessageQueue;
  private readonly now: () => number;

  constructor(client: SQSClient, queueUrl: string, options: SqsTaskQueueOptions) {
    this.queue = new SqsMessageQueue(client, queueUrl, options);
    this.fifo = this.queue.fifo;
    this.now = options.now ?? Date.now;
  }

  get url(): string {
    return this.queue.url;
  }

  /**
   * Stores the tasks (batches of 10, one deadline for all) and resolves only when SQS accepted every one;
   * otherwise throws a QueueError naming the refused tasks (some others may have been stored: at least once).
   * SQS cannot tell us about duplicates, and its event source wakes the consumer by itself.
   */
  async enqueue(tasks: readonly TaskEnvelope[]): Promise<EnqueueResult> {
    const now = this.now();
    await this.queue.send(tasks.map((envelope) => toTaskMessage(envelope, this.fifo, now)));
    return {
      outcomes: tasks.map((envelope) => ({
        id: envelope.id,
        state: envelope.runAt > now ? 'scheduled' : 'queued',
        duplicate: false,
      })),
      wakeConsumer: false,
    };
  }

  /**
   * Sends a wake-up that arrives after `delaySeconds` (≤ 900). FIFO queues refuse per-message delays:
   * there it goes at once with its due time, and the consumer hides it until then.
   */
  async sendWake(delaySeconds: number): Promise<void> {
    const dueAt = this.now() + delaySeconds * 1000;
    const label = `wake-${dueAt}`;
    await this.queue.send([
      {
        label,
        body: wakeMessageBody(dueAt),
        attributes: { type: stringAttribute(WAKE_MESSAGE_TYPE) },
        ...(this.fifo
          ? { fifo: { groupId: WAKE_MESSAGE_TYPE, deduplicationId: `${label}-${randomUUID()}` } }
          : { delaySeconds }),
      },
    ]);
  }

  /**
   * Re-sends a task that arrived before its `runAt` (its delay was longer than SQS's 15 minutes) with the
   * delay that remains, up to 15 minutes again. Delete the received message only after this resolves.
   * Standard queues only: on a FIFO queue, wait with `changeVisibility` (see `visibilityWaitSeconds`).
   */
  async hop(envelope: TaskEnvelope): Promise<{ delaySeconds: number }> {
    if (this.fifo) {
      throw new QueueLogicError(
        'FIFO queues cannot delay a message: wait with changeVisibility instead',
        'sqs',
      );
    }
    const now = this.now();
    await this.queue.send([toTaskMessage(envelope, false, now)]);
    return { delaySeconds: sendDelaySeconds(envelope.runAt, now) };
  }

  /**
   * Receives up to `max` (≤ 10) messages, long-polling up to `waitSeconds`.
   * Parse each body with `parseTaskBody`.
   */
  receive(
    max: number,
    waitSeconds: number,
    visibilityTimeout?: number,
    signal?: AbortSignal,
  ): Promise<ReceivedMessage[]> {
    const options: ReceiveOptions = { max, waitSeconds };
    if (visibilityTimeout !== undefined) options.visibilityTimeout = visibilityTimeout;
    return this.queue.receive(options, signal);
  }

  /** Acknowledges a message: it will not be delivered again. */
  deleteMessage(receiptHandle: string): Promise<void> {
    return this.queue.deleteMessage(receiptHandle);
  }

  /** Hides a message for `seconds` from now: a retry backoff, or a FIFO task waiting for its `runAt`. */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    return this.queue.changeVisibility(receiptHandle, seconds);
  }

  counts(): Promise<MessageCounts> {
    return this.queue.counts();
  }
}
