import { createHash } from 'node:crypto';
import type { S3EventRecord, SNSEventRecord } from 'aws-lambda';
import { z } from 'zod';
import type { Config } from '../lib/config/index.js';
import type { InvocationContext } from '../lib/observability/index.js';
import type { Runtime } from '../lib/runtime/index.js';
import { TaskValidationError } from '../lib/tasks/index.js';
import { containerRuntime } from './container.js';

/**
 * Where a task came from. The mappings, one per source:
 *
 * - `eventbridge`, raw event: `detail.tandem` is a NewTask (the body of `POST /tasks`). Key: the event id.
 * - `eventbridge`, through a rule's input transformer rendering `{ "eventId": "<id>", "task": { … } }`:
 *   maps events that know nothing of Tandem (AWS services, other teams) onto a task. Key: `eventId`.
 * - `sns`: the message is a NewTask as JSON; or, when its topic (name or ARN) is listed in
 *   `SNS_TOPIC_TASK_TYPES`, a task of that type whose payload is the message (JSON when it parses,
 *   else the string). Key: the SNS message id.
 * - `s3`: every `ObjectCreated:*` record becomes a task of type `S3_TASK_TYPE` with payload
 *   `{ bucket, key, size, eTag }` (key URL-decoded). Key: bucket, object key and the S3 sequencer.
 *   Other S3 records and S3's test event are ignored.
 *
 * An idempotency key the task carries itself wins over the derived one; either way a redelivered event
 * enqueues once.
 */
export type EventSource = 'eventbridge' | 'sns' | 's3';

/** Per event or record: enqueued (with its receipt), rejected (with the reason) or ignored. */
export interface EventsReport {
  enqueued: {
    source: EventSource;
    eventId: string;
    id: string;
    state: string;
    via: string;
    duplicate: boolean;
  }[];
  rejected: {
    source: EventSource | 'unknown';
    eventId: string;
    code: string;
    message: string;
    issues?: unknown;
  }[];
  ignored: { source: EventSource; eventId: string; reason: string }[];
}

/**
 * Takes an EventBridge event, a transformed `{ eventId, task }`, or an SNS or S3 event; the context only
 * labels log lines.
 */
export type EventsHandler = (event: unknown, context?: InvocationContext) => Promise<EventsReport>;

type Mapping = Config['events'];

type Candidate =
  | {
      kind: 'task';
      source: EventSource;
      eventId: string;
      task: Record<string, unknown>;
      idempotencyKey: string;
    }
  | { kind: 'rejected'; source: EventSource | 'unknown'; eventId: string; code: string; message: string }
  | { kind: 'ignored'; source: EventSource; eventId: string; reason: string };

const NewTaskObjectSchema = z.record(z.string(), z.unknown());
const TransformedEventSchema = z
  .object({ eventId: z.string().min(1).max(200), task: NewTaskObjectSchema })
  .strict();

/**
 * Event-driven enqueue over `runtime`: EventBridge, SNS and S3 events become tasks (see {@link EventSource}
 * for the mappings). A record that cannot become a task is logged and listed in `rejected`; nothing of it
 * is stored, and the handler does not throw for it, since a retry cannot fix input. The handler throws only
 * when no queue accepts a task: Lambda then retries the event, and the tasks already enqueued from it are
 * deduplicated by their keys.
 *
 * @example
 * const report = await createEventsHandler(runtime)(snsEvent);
 */
export function createEventsHandler(runtime: Runtime): EventsHandler {
  const { logger, metrics } = runtime;
  const mapping = runtime.config.events;

  return async (event, context) => {
    if (context) logger.addContext?.(context);
    const report: EventsReport = { enqueued: [], rejected: [], ignored: [] };
    const reject = (item: EventsReport['rejected'][number]) => {
      report.rejected.push(item);
      logger.warn('event rejected; nothing enqueued', { ...item });
      metrics.add('TriggerRejected', 1, { trigger: item.source });
    };
    try {
      for (const candidate of candidatesOf(event, mapping)) {
        if (candidate.kind === 'ignored') {
          report.ignored.push({
            source: candidate.source,
            eventId: candidate.eventId,
            reason: candidate.reason,
          });
          continue;
        }
        if (candidate.kind === 'rejected') {
          const { kind: _kind, ...item } = candidate;
          reject(item);
          continue;
        }
        const { source, eventId, task, idempotencyKey } = candidate;
        try {
          const receipt = await runtime.enqueue.enqueue({
            ...task,
            idempotencyKey: task.idempotencyKey ?? idempotencyKey,
          });
          report.enqueued.push({ source, eventId, ...receipt });
          metrics.add('TriggerEnqueued', 1, { trigger: source });
          logger.info('event enqueued', { source, eventId, ...receipt });
        } catch (error) {
          if (!(error instanceof TaskValidationError)) throw error;
          reject({ source, eventId, code: 'invalid_task', message: error.message, issues: error.issues });
        }
      }
      return report;
    } finally {
      metrics.flush();
    }
  };
}

let events: EventsHandler | undefined;

/** The Lambda entry point; builds the container's runtime on the first invocation. */
export const handler: EventsHandler = (event, context) => {
  events ??= createEventsHandler(containerRuntime());
  return events(event, context);
};

function candidatesOf(event: unknown, mapping: Mapping): Candidate[] {
  if (!isObject(event)) return [unsupported(event)];
  if (Array.isArray(event.Records)) {
    return event.Records.map((record: unknown, index) => fromRecord(record, index, mapping));
  }
  if (typeof event.id === 'string' && 'detail-type' in event && 'detail' in event) {
    return [fromEventBridge(event.id, event.detail)];
  }
  if ('eventId' in event && 'task' in event) {
    const transformed = TransformedEventSchema.safeParse(event);
    if (!transformed.success) {
      return [
        rejected('eventbridge', String(event.eventId), 'invalid_event', issuesText(transformed.error.issues)),
      ];
    }
    const { eventId, task } = transformed.data;
    return [{ kind: 'task', source: 'eventbridge', eventId, task, idempotencyKey: `eventbridge:${eventId}` }];
  }
  if (event.Event === 's3:TestEvent') {
    return [
      { kind: 'ignored', source: 's3', eventId: String(event.RequestId ?? ''), reason: 's3 test event' },
    ];
  }
  return [unsupported(event)];
}

function fromEventBridge(eventId: string, detail: unknown): Candidate {
  const task = isObject(detail) ? detail.tandem : undefined;
  if (!isObject(task)) {
    return rejected(
      'eventbridge',
      eventId,
      'no_task',
      'the event has no detail.tandem task; map it with an input transformer rendering { eventId, task }',
    );
  }
  return { kind: 'task', source: 'eventbridge', eventId, task, idempotencyKey: `eventbridge:${eventId}` };
}

function fromRecord(record: unknown, index: number, mapping: Mapping): Candidate {
  if (isObject(record) && record.EventSource === 'aws:sns' && isObject(record.Sns)) {
    return fromSns(record as unknown as SNSEventRecord, mapping);
  }
  if (isObject(record) && record.eventSource === 'aws:s3' && isObject(record.s3)) {
    return fromS3(record as unknown as S3EventRecord, mapping);
  }
  return rejected('unknown', `record ${index}`, 'unsupported_record', 'not an SNS or S3 record');
}

function fromSns(record: SNSEventRecord, mapping: Mapping): Candidate {
  const { MessageId: eventId, TopicArn: topicArn, Message: message } = record.Sns;
  const idempotencyKey = `sns:${eventId}`;
  const topicName = topicArn.slice(topicArn.lastIndexOf(':') + 1);
  const mappedType = mapping.snsTopicTaskTypes[topicArn] ?? mapping.snsTopicTaskTypes[topicName];
  const parsed = parseJson(message);
  if (mappedType !== undefined) {
    return {
      kind: 'task',
      source: 'sns',
      eventId,
      task: { type: mappedType, payload: parsed.ok ? parsed.value : message },
      idempotencyKey,
    };
  }
  if (!parsed.ok || !isObject(parsed.value)) {
    return rejected(
      'sns',
      eventId,
      'invalid_message',
      `the message is not a task as JSON, and topic "${topicName}" is not in SNS_TOPIC_TASK_TYPES`,
    );
  }
  return { kind: 'task', source: 'sns', eventId, task: parsed.value, idempotencyKey };
}

function fromS3(record: S3EventRecord, mapping: Mapping): Candidate {
  const bucket = record.s3.bucket.name;
  const object = record.s3.object;
  // S3 URL-encodes keys in notifications, with `+` for spaces.
  const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
  const sequencer = object.sequencer ?? `${object.eTag}:${record.eventTime}`;
  const eventId = `${bucket}/${key}@${sequencer}`;
  if (!record.eventName.startsWith('ObjectCreated:')) {
    return {
      kind: 'ignored',
      source: 's3',
      eventId,
      reason: `${record.eventName} is not an object creation`,
    };
  }
  if (mapping.s3TaskType === undefined) {
    return rejected('s3', eventId, 'not_configured', 'S3_TASK_TYPE is not set: no task type for S3 objects');
  }
  // Object keys run to 1024 bytes and idempotency keys stop at 256: the object key goes in hashed.
  const keyHash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return {
    kind: 'task',
    source: 's3',
    eventId,
    task: {
      type: mapping.s3TaskType,
      payload: { bucket, key, size: object.size ?? null, eTag: object.eTag ?? null },
    },
    idempotencyKey: `s3:${bucket}:${keyHash}:${sequencer}`,
  };
}

function rejected(
  source: EventSource | 'unknown',
  eventId: string,
  code: string,
  message: string,
): Candidate {
  return { kind: 'rejected', source, eventId, code, message };
}

function unsupported(event: unknown): Candidate {
  const keys = isObject(event) ? Object.keys(event).slice(0, 10).join(', ') : typeof event;
  return rejected('unknown', '', 'unsupported_event', `not an EventBridge, SNS or S3 event (keys: ${keys})`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
