import * as z from 'zod/mini';
import { useEnglishIssues } from '../validation/index.js';
import { JsonPayloadSchema } from './json-payload.js';
import { TaskLimitsSchema } from './task-limits.js';

useEnglishIssues();

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
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/,
      'letters, digits, _ . : - (at most 128, not starting with a symbol)',
    ),
  );

export const TaskTypeSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits, _ . : - (at most 64)'));

export const IdempotencyKeySchema = z.string().check(z.minLength(1), z.maxLength(256));

export const MAX_PRIORITY = 255;

const count = () => z.int().check(z.nonnegative());

/**
 * What Tandem stores and ships for every task, on either backend. `attempt` counts the attempts already
 * made; `runAt` and `createdAt` are epoch milliseconds.
 */
export const TaskEnvelopeSchema = z.strictObject({
  id: TaskIdSchema,
  type: TaskTypeSchema,
  payload: JsonPayloadSchema,
  idempotencyKey: z.optional(IdempotencyKeySchema),
  priority: z.int().check(z.minimum(0), z.maximum(MAX_PRIORITY)),
  runAt: count(),
  attempt: count(),
  maxAttempts: z.int().check(z.minimum(1), z.maximum(100)),
  timeoutMs: z.int().check(z.minimum(1), z.maximum(900_000)),
  traceId: z.string().check(z.minLength(1), z.maxLength(128)),
  createdAt: count(),
  enqueuedVia: z.enum(['redis', 'sqs']),
  /** Its flow-control keys and limits, fixed at enqueue (see docs/architecture.md, "Flow control"). */
  limits: z.optional(TaskLimitsSchema),
});

export type TaskEnvelope = z.infer<typeof TaskEnvelopeSchema>;
