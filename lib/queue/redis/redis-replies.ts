import * as z from 'zod/mini';
import { TaskEnvelopeSchema } from '../../tasks/task-envelope.js';
import { QueueUnavailableError } from '../errors.js';
import type { TaskStatus } from '../task-queue.js';

/**
 * Checks a script's reply before anything is built from it. A reply of the wrong shape means a proxy or
 * server that lies; it is treated like no reply at all.
 */
export function expectReply<T>(schema: z.ZodMiniType<T>, reply: unknown, operation: string): T {
  const parsed = schema.safeParse(reply);
  if (parsed.success) return parsed.data;
  throw new QueueUnavailableError(`redis ${operation}: unexpected reply ${preview(reply)}`, 'redis', {
    cause: parsed.error,
  });
}

export const StringListReply = z.array(z.string());
export const RedisInt = z.union([z.int(), z.pipe(z.string().check(z.regex(/^-?\d+$/)), z.transform(Number))]);

/** Parses the stored envelope, so a corrupted hash surfaces as an error instead of a half-task. */
export function parseStoredEnvelope(json: string, operation: string) {
  try {
    return TaskEnvelopeSchema.parse(JSON.parse(json));
  } catch (error) {
    throw new QueueUnavailableError(`redis ${operation}: stored task is unreadable`, 'redis', {
      cause: error,
    });
  }
}

/** Turns HGETALL's flat list into the status view. */
export function toTaskStatus(id: string, flat: readonly string[]): TaskStatus | null {
  if (flat.length === 0) return null;
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] as string, flat[i + 1] as string);
  const number = (name: string) => Number(fields.get(name) ?? 0);
  const status: TaskStatus = {
    id,
    type: fields.get('type') ?? '',
    state: (fields.get('state') ?? 'queued') as TaskStatus['state'],
    via: fields.get('via') === 'sqs' ? 'sqs' : 'redis',
    attempt: number('attempt'),
    maxAttempts: number('maxAttempts'),
    createdAt: number('createdAt'),
    updatedAt: number('updatedAt'),
    runAt: number('runAt'),
  };
  const lastError = fields.get('lastError');
  if (lastError) status.lastError = lastError;
  const result = fields.get('result');
  if (result) status.result = safeJson(result);
  const envelope = fields.get('envelope');
  if (envelope) Object.assign(status, envelopeFieldsOf(envelope));
  return status;
}

/** What the status view shows of the stored envelope: the payload, the idempotency key and the priority. */
function envelopeFieldsOf(json: string): Pick<TaskStatus, 'payload' | 'idempotencyKey' | 'priority'> {
  const envelope = safeJson(json);
  if (typeof envelope !== 'object' || envelope === null) return {};
  const { payload, idempotencyKey, priority } = envelope as Record<string, unknown>;
  return {
    ...(payload !== undefined && { payload }),
    ...(typeof idempotencyKey === 'string' && { idempotencyKey }),
    ...(typeof priority === 'number' && { priority }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
