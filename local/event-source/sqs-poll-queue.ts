import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A message as Lambda's poller receives it. */
export interface PolledMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** SentTimestamp, epoch ms. */
  sentAt: number;
  /** String message attributes by name. */
  attributes: Record<string, string>;
}

/** The queue operations an event source mapping uses. */
export interface EventSourceQueue {
  receive(
    max: number,
    waitSeconds: number,
    visibilityTimeout?: number,
    signal?: AbortSignal,
  ): Promise<PolledMessage[]>;
  deleteMessage(receiptHandle: string): Promise<void>;
}

/**
 * The task queue as Lambda's poller sees it, straight over the SQS API: the local stack's event source
 * needs nothing of Tandem's own SQS adapter, just as Lambda's does not.
 *
 * @example
 * const queue = sqsPollQueue(client, queues.taskQueueUrl);
 */
export function sqsPollQueue(client: SQSClient, queueUrl: string): EventSourceQueue {
  return {
    async receive(max, waitSeconds, visibilityTimeout, signal) {
      const answer = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          MessageAttributeNames: ['All'],
          ...(visibilityTimeout !== undefined && { VisibilityTimeout: visibilityTimeout }),
        }),
        { ...(signal !== undefined && { abortSignal: signal }), requestTimeout: (waitSeconds + 5) * 1000 },
      );
      return (answer.Messages ?? []).map((message) => ({
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
        sentAt: Number(message.Attributes?.SentTimestamp ?? Date.now()),
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            value.StringValue ?? '',
          ]),
        ),
      }));
    },
    async deleteMessage(receiptHandle) {
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
    },
  };
}
