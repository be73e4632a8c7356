import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Config } from '../config/index.js';
import { eventIdLabel } from './event-id-label.js';
import { isJsonObject } from './is-json-object.js';
import { issuesText } from './issues-text.js';
import { RejectionCodes } from './rejection-codes.js';
import { rejectedCandidate, type TriggerCandidate } from './trigger-candidate.js';
import type { TriggerProcessor } from './trigger-processor.js';

// Object keys run to 1024 bytes; URL-encoded, to three times that.
const MAX_ENCODED_KEY_LENGTH = 3 * 1024;

/**
 * An object key as S3 writes it into notifications: URL-encoded, with `+` for a space. A key that does
 * not decode (a bad `%` escape, bytes that are not UTF-8) is refused rather than passed on raw: S3 never
 * sends one, and the raw text would name a different object, or none, so the task would fail later,
 * far from the cause, or worse, work on the wrong object.
 */
const EncodedObjectKeySchema = z.pipe(
  z.string().check(z.minLength(1), z.maxLength(MAX_ENCODED_KEY_LENGTH)),
  z.transform((encoded: string, context) => {
    try {
      return decodeURIComponent(encoded.replace(/\+/g, ' '));
    } catch {
      context.issues.push({
        code: 'custom',
        message: 'not a URL-encoded object key (a bad % escape, or bytes that are not UTF-8)',
        input: encoded,
      });
      return z.NEVER;
    }
  }),
);

/** One record of an S3 event notification, as far as Tandem reads it; `object.key` comes out decoded. */
export const S3RecordSchema = z.looseObject({
  eventSource: z.literal('aws:s3'),
  eventName: z.string().check(z.maxLength(256)),
  eventTime: z.optional(z.string().check(z.maxLength(64))),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string().check(z.minLength(1), z.maxLength(255)) }),
    object: z.looseObject({
      key: EncodedObjectKeySchema,
      size: z.optional(z.number().check(z.nonnegative())),
      eTag: z.optional(z.string().check(z.maxLength(128))),
      sequencer: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    }),
  }),
});
export type S3Record = z.output<typeof S3RecordSchema>;

/**
 * S3: each `ObjectCreated:*` record becomes a task of type `S3_TASK_TYPE` with payload
 * `{ bucket, key, size, eTag }`; other records and S3's test event are ignored.
 * Key: `s3:<bucket>:<key hash>:<sequencer>`.
 */
export const s3Processor: TriggerProcessor = {
  source: 's3',
  claims: (item, position) =>
    position === 'record' ? item.eventSource === 'aws:s3' : item.Event === 's3:TestEvent',
  process: (item, { mapping, index }) => {
    // The one whole event S3 sends: the test event of a newly configured notification.
    if (index === undefined) {
      return {
        kind: 'ignored',
        source: 's3',
        eventId: eventIdLabel(item.RequestId),
        reason: 's3 test event',
      };
    }
    const record = S3RecordSchema.safeParse(item);
    if (!record.success) {
      const { issues } = record.error;
      const eventId = rawLabel(item, index);
      return rejectedCandidate('s3', eventId, RejectionCodes.invalidRecord, issuesText(issues), issues);
    }
    return fromRecord(record.data, mapping);
  },
};

function fromRecord(record: S3Record, mapping: Config['events']): TriggerCandidate {
  const bucket = record.s3.bucket.name;
  const { key, size, eTag } = record.s3.object;
  // Without a sequencer (S3 always sends one for object creations), the eTag and event time stand in.
  const sequencer =
    record.s3.object.sequencer ?? (record.eventTime !== undefined ? `${eTag ?? ''}:${record.eventTime}` : '');
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
    return rejectedCandidate(
      's3',
      eventId,
      RejectionCodes.notConfigured,
      'S3_TASK_TYPE is not set: no task type for S3 objects',
    );
  }
  if (sequencer === '') {
    // Two creations of one key would share a key and the second would be dropped as a duplicate.
    return rejectedCandidate(
      's3',
      eventId,
      RejectionCodes.invalidRecord,
      'the record has neither s3.object.sequencer nor eventTime: one creation of this key cannot be told from another',
    );
  }
  // Object keys run to 1024 bytes and idempotency keys stop at 256: the object key goes in hashed.
  const keyHash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return {
    kind: 'task',
    source: 's3',
    eventId,
    task: { type: mapping.s3TaskType, payload: { bucket, key, size: size ?? null, eTag: eTag ?? null } },
    idempotencyKey: `s3:${bucket}:${keyHash}:${sequencer}`,
  };
}

/** `bucket/key` as the record has them (still encoded), for a record that did not validate. */
function rawLabel(item: Record<string, unknown>, index: number): string {
  const s3 = isJsonObject(item.s3) ? item.s3 : {};
  const bucket = isJsonObject(s3.bucket) ? eventIdLabel(s3.bucket.name) : '';
  const key = isJsonObject(s3.object) ? eventIdLabel(s3.object.key) : '';
  return bucket !== '' && key !== '' ? `${bucket}/${key}` : `record ${index}`;
}
