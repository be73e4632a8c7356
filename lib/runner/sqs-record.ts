import * as z from 'zod/mini';
import { type WakeMessage, WakeMessageSchema } from '../queue/wake/wake-message.js';
import { type TaskEnvelope, TaskEnvelopeSchema } from '../tasks/task-envelope.js';

/**
 * The fields of an SQS event record the consumer relies on. Lambda always sends them; a record without
 * them (a hand-made test event, a mapping misconfigured) is dead-lettered with the reason, never run.
 */
export const SqsRecordSchema = z.object({
  messageId: z.string().check(z.minLength(1)),
  receiptHandle: z.string().check(z.minLength(1)),
  body: z.string(),
  attributes: z.looseObject({ ApproximateReceiveCount: z.optional(z.string().check(z.regex(/^\d+$/))) }),
});

export type SqsTaskRecord = z.infer<typeof SqsRecordSchema>;

export type ParsedRecord =
  | { ok: true; record: SqsTaskRecord; task: TaskEnvelope; receiveCount: number }
  | { ok: true; record: SqsTaskRecord; wake: WakeMessage }
  | { ok: false; reason: string; body: string };

/** The boundary of the SQS path: an event record → a task envelope, a wake-up, or why it is neither. Never throws. */
export function parseSqsRecord(input: unknown): ParsedRecord {
  const record = SqsRecordSchema.safeParse(input);
  if (!record.success) {
    return { ok: false, reason: `not an SQS record: ${issuesText(record.error)}`, body: rawBody(input) };
  }
  const { body } = record.data;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON', body };
  }
  const wake = WakeMessageSchema.safeParse(json);
  if (wake.success) return { ok: true, record: record.data, wake: wake.data };
  const task = TaskEnvelopeSchema.safeParse(json);
  if (!task.success) return { ok: false, reason: `not a task envelope: ${issuesText(task.error)}`, body };
  const receiveCount = Number(record.data.attributes.ApproximateReceiveCount ?? '1');
  return { ok: true, record: record.data, task: task.data, receiveCount };
}

function issuesText(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** What is kept of a malformed record for people to read. */
function rawBody(input: unknown): string {
  const body = typeof input === 'object' && input !== null ? (input as { body?: unknown }).body : undefined;
  if (typeof body === 'string') return body;
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}
