import type { SQSRecord } from 'aws-lambda';
import type { SqsTaskQueue } from '../../lib/queue/sqs/sqs-task-queue.js';
import { toSqsRecord } from '../../local/event-source/to-sqs-record.js';

/**
 * Receives what is visible on a task queue, as the records Lambda's event source mapping would deliver.
 * Waits up to `waitSeconds` for the first message (long poll).
 */
export async function receiveRecords(queue: SqsTaskQueue, max = 10, waitSeconds = 1): Promise<SQSRecord[]> {
  const messages = await queue.receive(max, waitSeconds);
  return messages.map((message) => toSqsRecord(message, 'arn:aws:sqs:us-east-1:000000000000:tasks'));
}

/** The fake Lambda clock: plenty of time unless a test says otherwise. */
export const plentyOfTime = () => 60_000;
