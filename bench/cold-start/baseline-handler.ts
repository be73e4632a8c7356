import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The cold-start baseline: the smallest useful enqueuer, a handler that only imports the AWS SDK client it
 * needs and sends one message. Any Lambda that enqueues to SQS pays at least this much.
 */
const client = new SQSClient({});

export const handler = async (event: { body?: string }) => {
  await client.send(
    new SendMessageCommand({ QueueUrl: process.env.TASK_QUEUE_URL, MessageBody: event.body ?? '{}' }),
  );
  return { statusCode: 202 };
};
