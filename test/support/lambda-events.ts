import { randomUUID } from 'node:crypto';
import type {
  EventBridgeEvent,
  S3Event,
  S3EventRecord,
  ScheduledEvent,
  SNSEvent,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';

/**
 * The events AWS hands a Lambda, field for field (as documented and as `@types/aws-lambda` types them),
 * so handlers are driven with what they will really receive. Account ids and ARNs are placeholders.
 */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** A Lambda context as far as Tandem's handlers read it. */
export function lambdaContext(remainingMs = 60_000) {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** What EventBridge sends for a scheduled rule when the target has no input of its own. */
export function scheduledEvent(time: string, ruleName = 'tandem-dev-schedule'): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/${ruleName}`],
    detail: {},
  };
}

/**
 * What an input transformer delivers: the template with each `<name>` replaced by the value the event has
 * at `inputPathsMap[name]` (string values inside quotes in the template, as EventBridge inserts them).
 */
export function renderInputTransformer(
  transformer: { InputTemplate: string; InputPathsMap?: Record<string, string> },
  event: Record<string, unknown>,
): unknown {
  let text = transformer.InputTemplate;
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    const value = path
      .replace(/^\$\.?/, '')
      .split('.')
      .filter((part) => part.length > 0)
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], event);
    text = text.replaceAll(`<${name}>`, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return JSON.parse(text);
}

export function eventBridgeEvent<Detail>(
  detail: Detail,
  { source = 'tandem.example', detailType = 'Enqueue Task', id = randomUUID() } = {},
): EventBridgeEvent<string, Detail> {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [],
    detail,
  };
}

export function snsEvent(messages: { message: string; messageId?: string; topic?: string }[]): SNSEvent {
  return {
    Records: messages.map(({ message, messageId = randomUUID(), topic = 'tandem-tasks' }) => ({
      EventVersion: '1.0',
      EventSubscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${topic}:${randomUUID()}`,
      EventSource: 'aws:sns',
      Sns: {
        SignatureVersion: '1',
        Timestamp: new Date().toISOString(),
        Signature: 'EXAMPLE',
        SigningCertUrl: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000.pem`,
        MessageId: messageId,
        Message: message,
        MessageAttributes: {},
        Type: 'Notification',
        UnsubscribeUrl: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe`,
        TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${topic}`,
        Subject: 'tandem',
      },
    })),
  };
}

export function s3Record({
  bucket = 'uploads',
  key,
  eventName = 'ObjectCreated:Put',
  size = 1024,
  sequencer = '0055AED6DCD90281E5',
}: {
  bucket?: string;
  key: string;
  eventName?: string;
  size?: number;
  sequencer?: string;
}): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: REGION,
    eventTime: new Date().toISOString(),
    eventName,
    userIdentity: { principalId: 'AWS:EXAMPLE' },
    requestParameters: { sourceIPAddress: '203.0.113.7' },
    responseElements: {
      'x-amz-request-id': 'C3D13FE58DE4C810',
      'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'tandem-uploads',
      bucket: { name: bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key, size, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer },
    },
  };
}

export function s3Event(records: S3EventRecord[]): S3Event {
  return { Records: records };
}
