import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Config } from '../config/index.js';
import { eventIdLabel } from './event-id-label.js';
import { isJsonObject } from './is-json-object.js';
import { issuesText } from './issues-text.js';
import { RejectionCodes } from './rejection-codes.js';
import { rejectedCandidate, type TriggerCandidate } from './trigger-candidate.js';
import type { TriggerProcessor } from './trigger-processor.js';

/**
 * One record of an SNS event, as far as Tandem reads it. `TopicArn` is required: it decides whether the
 * message is a payload of a mapped type or a task of its own, and guessing could enqueue the wrong task.
 * `MessageId` may be missing (some emulators and hand-made events omit it); see {@link snsMessageId}.
 */
export const SnsRecordSchema = z.looseObject({
  EventSource: z.literal('aws:sns'),
  Sns: z.looseObject({
    // Room for the `sns:` prefix within an idempotency key's 256 characters.
    MessageId: z.optional(z.string().check(z.maxLength(200))),
    TopicArn: z.string().check(z.minLength(1), z.maxLength(1024)),
    Message: z.string(),
    Timestamp: z.optional(z.string().check(z.maxLength(64))),
  }),
});
export type SnsRecord = z.output<typeof SnsRecordSchema>;

/**
 * SNS: the message is a task as JSON, or, for a topic in `SNS_TOPIC_TASK_TYPES`, the payload of a task of
 * that type. Key: `sns:<MessageId>`.
 */
export const snsProcessor: TriggerProcessor = {
  source: 'sns',
  claims: (item, position) => position === 'record' && item.EventSource === 'aws:sns',
  process: (item, { mapping, index }) => {
    const record = SnsRecordSchema.safeParse(item);
    if (!record.success) {
      const { issues } = record.error;
      const sns = isJsonObject(item.Sns) ? item.Sns : {};
      const eventId = eventIdLabel(sns.MessageId, `record ${index ?? 0}`);
      return rejectedCandidate('sns', eventId, RejectionCodes.invalidRecord, issuesText(issues), issues);
    }
    return fromMessage(record.data.Sns, mapping);
  },
};

/**
 * The message's id, or, when it has none, `sha256:` and a hash of its topic, timestamp and text: two
 * different messages never share it, and a redelivery of one (same topic, timestamp and text) dedupes.
 * The prefix keeps the derived ids apart from real ones, which are UUIDs.
 */
function snsMessageId(sns: SnsRecord['Sns']): string {
  if (sns.MessageId !== undefined && sns.MessageId.length > 0) return sns.MessageId;
  // JSON of the tuple, so no choice of separator can make two different messages hash alike.
  const content = JSON.stringify([sns.TopicArn, sns.Timestamp ?? null, sns.Message]);
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function fromMessage(sns: SnsRecord['Sns'], mapping: Config['events']): TriggerCandidate {
  const eventId = snsMessageId(sns);
  const idempotencyKey = `sns:${eventId}`;
  const { TopicArn: topicArn, Message: message } = sns;
  const topicName = topicArn.slice(topicArn.lastIndexOf(':') + 1);
  const mappedType = topicTaskType(mapping.snsTopicTaskTypes, topicArn, topicName);
  const parsed = parseJson(message);
  if (mappedType !== undefined) {
    const task = { type: mappedType, payload: parsed.ok ? parsed.value : message };
    return { kind: 'task', source: 'sns', eventId, task, idempotencyKey };
  }
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    return rejectedCandidate(
      'sns',
      eventId,
      RejectionCodes.invalidMessage,
      `the message is not a task as JSON, and topic "${eventIdLabel(topicName)}" is not in SNS_TOPIC_TASK_TYPES`,
    );
  }
  return { kind: 'task', source: 'sns', eventId, task: parsed.value, idempotencyKey };
}

/** Own keys only: a topic named `constructor` or `__proto__` must not find Object's members. */
function topicTaskType(types: Record<string, string>, arn: string, name: string): string | undefined {
  if (Object.hasOwn(types, arn)) return types[arn];
  if (Object.hasOwn(types, name)) return types[name];
  return undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
