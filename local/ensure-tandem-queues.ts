import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { LocalStackError } from './errors.js';

/** The three queues Tandem uses, by the exact URLs SQS issued. */
export interface TandemQueueUrls {
  taskQueueUrl: string;
  deadLetterQueueUrl: string;
  journalQueueUrl: string;
  /** The task queue's ARN: the event source names it in every record. */
  taskQueueArn: string;
}

export interface EnsureTandemQueuesOptions {
  /** Names are `<prefix>-tasks`, `<prefix>-dead` and `<prefix>-journal` (plus `.fifo`). */
  prefix: string;
  fifo?: boolean;
  /** Deliveries before SQS moves a message to the dead-letter queue on its own (the last safety net). */
  maxReceiveCount?: number;
  /** Extra attributes for the task queue, e.g. `{ VisibilityTimeout: '60' }`. */
  taskQueueAttributes?: Record<string, string>;
}

/**
 * Creates, or finds when they already exist, a task queue that redrives to its own dead-letter queue,
 * and a journal queue. The URLs are the ones SQS returned: emulators find queues by that exact string.
 *
 * @example
 * const queues = await ensureTandemQueues(client, { prefix: 'tandem-default', maxReceiveCount: 10 });
 */
export async function ensureTandemQueues(
  client: SQSClient,
  options: EnsureTandemQueuesOptions,
): Promise<TandemQueueUrls> {
  const suffix = options.fifo ? '.fifo' : '';
  const fifoAttributes: Record<string, string> = options.fifo ? { FifoQueue: 'true' } : {};
  const deadLetterQueueUrl = await ensureQueue(client, `${options.prefix}-dead${suffix}`, fifoAttributes);
  const deadLetterArn = await queueArn(client, deadLetterQueueUrl);
  const taskQueueUrl = await ensureQueue(client, `${options.prefix}-tasks${suffix}`, {
    ...fifoAttributes,
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterArn,
      maxReceiveCount: options.maxReceiveCount ?? 5,
    }),
    ...options.taskQueueAttributes,
  });
  const journalQueueUrl = await ensureQueue(client, `${options.prefix}-journal${suffix}`, fifoAttributes);
  return {
    taskQueueUrl,
    deadLetterQueueUrl,
    journalQueueUrl,
    taskQueueArn: await queueArn(client, taskQueueUrl),
  };
}

/**
 * CreateQueue is idempotent only for identical attributes; a queue someone made with other settings is
 * looked up by name and used as it is.
 */
async function ensureQueue(client: SQSClient, name: string, attributes: Record<string, string>) {
  try {
    const created = await client.send(
      new CreateQueueCommand({
        QueueName: name,
        ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      }),
    );
    if (created.QueueUrl) return created.QueueUrl;
  } catch (error) {
    if (!isQueueExists(error)) {
      throw new LocalStackError(
        `could not create the SQS queue ${name}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  const found = await client.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!found.QueueUrl) throw new LocalStackError(`SQS knows no URL for the queue ${name}`);
  return found.QueueUrl;
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const answer = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = answer.Attributes?.QueueArn;
  if (!arn) throw new LocalStackError(`SQS gave no QueueArn for ${queueUrl}`);
  return arn;
}

function isQueueExists(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QueueNameExists' || name === 'QueueAlreadyExists';
}
