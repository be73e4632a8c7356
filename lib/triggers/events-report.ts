/**
 * Where an event-driven task came from. The mappings, one per source:
 *
 * - `eventbridge`, raw event: `detail.tandem` is a NewTask (the body of `POST /tasks`). Key: the event id.
 * - `eventbridge`, through a rule's input transformer rendering `{ "eventId": "<id>", "task": { … } }`:
 *   maps events that know nothing of Tandem (AWS services, other teams) onto a task. Key: `eventId`.
 * - `sns`: the message is a NewTask as JSON; or, when its topic (name or ARN) is listed in
 *   `SNS_TOPIC_TASK_TYPES`, a task of that type whose payload is the message (JSON when it parses,
 *   else the string). Key: the SNS message id, or a hash of the message's content when it has none.
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
