import { z } from 'zod';
import { JsonPayloadSchema } from './json-payload.js';

/** The two places a task can be stored. */
export const Backends = { redis: 'redis', sqs: 'sqs' } as const;
export type Backend = (typeof Backends)[keyof typeof Backends];

/** Where a task is in its life; see docs/architecture.md for who moves each edge. */
export const TaskStates = {
  queued: 'queued',
  scheduled: 'scheduled',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  dead: 'dead',
  cancelled: 'cancelled',
} as const;
export type TaskState = (typeof TaskStates)[keyof typeof TaskStates];

/** Ids travel into Redis keys and SQS attributes: a closed alphabet keeps them from escaping the prefix. */
export const TaskIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/,
    'letters, digits, _ . : - (at most 128, not starting with a symbol)',
  );

export const TaskTypeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits, _ . : - (at most 64)');

export const IdempotencyKeySchema = z.string().min(1).max(256);

export const MAX_PRIORITY = 255;

/**
 * What Tandem stores and ships for every task, on either backend. `attempt` counts the attempts already
 * made; `runAt` and `createdAt` are epoch milliseconds.
 */
export const TaskEnvelopeSchema = z
  .object({
    id: TaskIdSchema,
    type: TaskTypeSchema,
    payload: JsonPayloadSchema,
    idempotencyKey: IdempotencyKeySchema.optional(),
    priority: z.number().int().min(0).max(MAX_PRIORITY),
    runAt: z.number().int().nonnegative(),
    attempt: z.number().int().nonnegative(),
    maxAttempts: z.number().int().min(1).max(100),
    timeoutMs: z.number().int().min(1).max(900_000),
    traceId: z.string().min(1).max(128),
    createdAt: z.number().int().nonnegative(),
    enqueuedVia: z.enum(['redis', 'sqs']),
  })
  .strict();

export type TaskEnvelope = z.infer<typeof TaskEnvelopeSchema>;
