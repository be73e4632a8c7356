import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The cold-start baseline: the smallest useful enqueuer, a handler that only imports the AWS SDK client it
 * needs and sends one message. Any Lambda that enqueues to SQS pays at least this much.
 */
const endpoint = process.env.SQS_ENDPOINT; // the bench's emulator, as Tandem's SQS_ENDPOINT
const client = new SQSClient(endpoint ? { endpoint } : {});

export const handler = async (event: { body?: string }) => {
  await client.send(
    new SendMessageCommand({ QueueUrl: process.env.TASK_QUEUE_URL, MessageBody: event.body ?? '{}' }),
  );
  return { statusCode: 202 };
};
