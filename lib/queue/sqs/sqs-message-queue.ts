import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QueueUnavailableError } from '../errors.js';
import { chunkBatches } from './chunk-batches.js';
import { sendInBatches } from './send-in-batches.js';
import { toQueueError } from './sqs-errors.js';
import { isFifoQueueUrl } from './sqs-limits.js';
import type { OutgoingMessage, ReceivedMessage } from './sqs-message.js';

export interface SqsQueueOptions {
  /** Deadline of one operation, retries included (`SQS_TIMEOUT_MS`); a long poll adds its wait to it. */
  timeoutMs: number;
}

export interface ReceiveOptions {
  /** 1 to 10. */
  max: number;
  /** Long-poll wait, 0 to 20 s. */
  waitSeconds: number;
  /** Hides the received messages this long; the queue's own setting when omitted. */
  visibilityTimeout?: number;
}

/** Message counts of one queue, as SQS approximates them. */
export interface MessageCounts {
  /** Ready to be received. */
  visible: number;
  /** Received and not yet deleted or made visible again. */
  inFlight: number;
  /** Sent with a delay that has not yet passed. */
  delayed: number;
}

/** What the SDK's `send` accepts besides the command; only what we set. */
interface CallOptions {
  abortSignal: AbortSignal;
  requestTimeout?: number;
}

/**
 * One SQS queue, spoken to through one shared client. Every call here has a deadline and throws only
 * QueueErrors: this is the one place SDK calls are made, so the rest of the adapter never sees SDK errors.
 */
export class SqsMessageQueue {
  readonly fifo: boolean;

  constructor(
    private readonly client: SQSClient,
    /** The exact URL SQS issued (emulators find queues by this string). */
    readonly url: string,
    private readonly options: SqsQueueOptions,
  ) {
    this.fifo = isFifoQueueUrl(url);
  }

  /**
   * Sends all messages (batched) under one deadline and resolves with their SQS message ids, in order,
   * only when SQS accepted every one; see {@link sendInBatches}.
   */
  async send(messages: readonly OutgoingMessage[], signal?: AbortSignal): Promise<string[]> {
    if (messages.length === 0) return [];
    const abortSignal = this.deadline(0, signal);
    return sendInBatches(messages, (entries) =>
      this.call('SendMessageBatch', { abortSignal }, (options) =>
        this.client.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: entries }), options),
      ),
    );
  }

  async receive(options: ReceiveOptions, signal?: AbortSignal): Promise<ReceivedMessage[]> {
    const waitMs = options.waitSeconds * 1000;
    // The long poll is part of the answer, not a stall: it extends both the deadline and the per-request timeout.
    const call = {
      abortSignal: this.deadline(waitMs, signal),
      requestTimeout: this.options.timeoutMs + waitMs,
    };
    const answer = await this.call('ReceiveMessage', call, (callOptions) =>
      this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.url,
          MaxNumberOfMessages: options.max,
          WaitTimeSeconds: options.waitSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          MessageAttributeNames: ['All'],
          ...(options.visibilityTimeout !== undefined
            ? { VisibilityTimeout: options.visibilityTimeout }
            : {}),
        }),
        callOptions,
      ),
    );
    return (answer.Messages ?? []).map(toReceivedMessage);
  }

  async deleteMessage(receiptHandle: string): Promise<void> {
    await this.call('DeleteMessage', { abortSignal: this.deadline(0) }, (options) =>
      this.client.send(
        new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: receiptHandle }),
        options,
      ),
    );
  }

  /** Deletes in batches; resolves with the receipt handles SQS did not delete (they will be delivered again). */
  async deleteMessages(receiptHandles: readonly string[]): Promise<string[]> {
    const abortSignal = this.deadline(0);
    return this.forEachBatch(receiptHandles, (entries) =>
      this.call('DeleteMessageBatch', { abortSignal }, (options) =>
        this.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.url, Entries: entries }), options),
      ),
    );
  }

  /** Hides a received message for `seconds` more from now (0 makes it visible at once). */
  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await this.call('ChangeMessageVisibility', { abortSignal: this.deadline(0) }, (options) =>
      this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.url,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
        options,
      ),
    );
  }

  /** Changes visibility in batches; resolves with the receipt handles SQS did not change. */
  async changeVisibilities(receiptHandles: readonly string[], seconds: number): Promise<string[]> {
    const abortSignal = this.deadline(0);
    return this.forEachBatch(receiptHandles, (entries) =>
      this.call('ChangeMessageVisibilityBatch', { abortSignal }, (options) =>
        this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.url,
            Entries: entries.map((entry) => ({ ...entry, VisibilityTimeout: seconds })),
          }),
          options,
        ),
      ),
    );
  }

  /** One GetQueueAttributes call; also the cheapest call that proves the queue answers. */
  async counts(): Promise<MessageCounts> {
    const answer = await this.call('GetQueueAttributes', { abortSignal: this.deadline(0) }, (options) =>
      this.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
        options,
      ),
    );
    const count = (name: QueueAttributeName): number => {
      const value = Number(answer.Attributes?.[name]);
      if (!Number.isFinite(value))
        throw new QueueUnavailableError(`SQS GetQueueAttributes gave no ${name}`, 'sqs');
      return value;
    };
    return {
      visible: count('ApproximateNumberOfMessages'),
      inFlight: count('ApproximateNumberOfMessagesNotVisible'),
      delayed: count('ApproximateNumberOfMessagesDelayed'),
    };
  }

  /** Our deadline for one operation, joined with the caller's signal when there is one. */
  private deadline(extraMs: number, signal?: AbortSignal): AbortSignal {
    const own = AbortSignal.timeout(this.options.timeoutMs + extraMs);
    return signal ? AbortSignal.any([signal, own]) : own;
  }

  private async call<T>(
    operation: string,
    options: CallOptions,
    run: (options: CallOptions) => Promise<T>,
  ): Promise<T> {
    try {
      return await run(options);
    } catch (error) {
      throw toQueueError(error, operation);
    }
  }

  /** Runs a batch operation over receipt handles, 10 per request, and returns the handles that failed. */
  private async forEachBatch(
    receiptHandles: readonly string[],
    send: (
      entries: Array<{ Id: string; ReceiptHandle: string }>,
    ) => Promise<{ Failed?: Array<{ Id: string | undefined }> | undefined }>,
  ): Promise<string[]> {
    const entries = receiptHandles.map((handle, index) => ({ Id: `r${index}`, ReceiptHandle: handle }));
    const chunks = chunkBatches(entries, () => 0);
    const answers = await Promise.all(chunks.map((chunk) => send(chunk)));
    const failedIds = new Set(answers.flatMap((answer) => (answer.Failed ?? []).map((entry) => entry.Id)));
    return entries.filter((entry) => failedIds.has(entry.Id)).map((entry) => entry.ReceiptHandle);
  }
}

function toReceivedMessage(message: Message): ReceivedMessage {
  const { MessageId, ReceiptHandle, Body } = message;
  if (!MessageId || !ReceiptHandle || Body === undefined) {
    throw new QueueUnavailableError(
      'SQS ReceiveMessage returned a message without id, receipt handle or body',
      'sqs',
    );
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  return {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    sentAt: Number(message.Attributes?.SentTimestamp ?? 0),
    attributes,
  };
}
