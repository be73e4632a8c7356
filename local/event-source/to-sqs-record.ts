import type { SQSRecord } from 'aws-lambda';
import type { PolledMessage } from './sqs-poll-queue.js';

/**
 * The record Lambda's SQS event source mapping would hand the consume function for this message, so the
 * local stack and the tests drive the real handler with the real event shape.
 */
export function toSqsRecord(message: PolledMessage, queueArn: string, region = 'us-east-1'): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'tandem-local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.attributes).map(([name, value]) => [
        name,
        { stringValue: value, dataType: 'String', stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}
