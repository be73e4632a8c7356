import * as z from 'zod/mini';
import {
  MAX_CONCURRENCY_LIMIT,
  MAX_RATE_LIMIT,
  MAX_RATE_PERIOD_MS,
  MIN_RATE_PERIOD_MS,
} from '../tasks/task-limits.js';
import { useEnglishIssues } from '../validation/index.js';

useEnglishIssues();

const csv = z.pipe(
  z.optional(z.string()),
  z.transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  ),
);

const intFrom = (...checks: z.core.$ZodCheck<number>[]) => z.coerce.number().check(z.int(), ...checks);
const positiveInt = (fallback: number) => z._default(intFrom(z.positive()), fallback);
const PERIOD_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const RATE_SPEC = /^(\d+)\/(\d*)(ms|s|m|h)$/;

/** `<n>/<period>`: `10/1s`, `100/m` (one minute), `5/500ms`; the limits any task may declare. */
const RateSpecSchema = z.pipe(
  z.string().check(z.regex(RATE_SPEC, 'a rate as <n>/<period>, such as 10/1s, 600/1m or 5/500ms')),
  z.transform((spec, ctx) => {
    const [, limit, amount, unit] = RATE_SPEC.exec(spec) ?? [];
    const periodMs = Number(amount || 1) * PERIOD_UNITS_MS[unit as keyof typeof PERIOD_UNITS_MS];
    const rate = { limit: Number(limit), periodMs };
    const ok =
      rate.limit >= 1 &&
      rate.limit <= MAX_RATE_LIMIT &&
      periodMs >= MIN_RATE_PERIOD_MS &&
      periodMs <= MAX_RATE_PERIOD_MS;
    if (!ok)
      ctx.issues.push({
        code: 'custom',
        input: spec,
        message: `from 1 to ${MAX_RATE_LIMIT} per period, periods from ${MIN_RATE_PERIOD_MS} ms to 24 h`,
      });
    return rate;
  }),
);

/** Empty counts as unset, so a deploy can pass a variable through whether or not it is set. */
const optionalUnlessEmpty = <T extends z.core.$ZodType>(schema: T) =>
  z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    z.optional(schema),
  );

const text = (minLength: number, message?: string) => z.string().check(z.minLength(minLength, message));

/**
 * The whole environment contract, read once at cold start. Every variable Tandem reads is here;
 * nothing else under `lib/` touches `process.env`.
 */
export const ConfigSchema = z.pipe(
  z.object({
    UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }),
    UPSTASH_REDIS_REST_TOKEN: text(1),
    TASK_QUEUE_URL: z.url(),
    DEAD_LETTER_QUEUE_URL: z.url(),
    JOURNAL_QUEUE_URL: z.url(),
    SQS_ENDPOINT: z.optional(z.url()),
    AWS_REGION: z._default(text(1), 'us-east-1'),
    TANDEM_API_TOKENS: z.pipe(
      csv,
      z.array(text(16, 'tokens must be at least 16 characters')).check(z.minLength(1)),
    ),
    TANDEM_SIGNING_SECRET: text(16, 'must be at least 16 characters'),
    TANDEM_HTTP_ALLOWED_HOSTS: csv,
    /** Requests of the http task in flight per destination host; empty or unset: no limit. */
    TANDEM_HTTP_CONCURRENCY: optionalUnlessEmpty(intFrom(z.minimum(1), z.maximum(MAX_CONCURRENCY_LIMIT))),
    /** Requests of the http task started per period per destination host, as `<n>/<period>` (`10/1s`). */
    TANDEM_HTTP_RATE_LIMIT: optionalUnlessEmpty(RateSpecSchema),
    REDIS_TIMEOUT_MS: positiveInt(150),
    SQS_TIMEOUT_MS: positiveInt(2000),
    BREAKER_FAILURE_THRESHOLD: positiveInt(3),
    BREAKER_COOLDOWN_MS: positiveInt(2000),
    LEASE_MS: positiveInt(30_000),
    CONSUMER_CONCURRENCY: z._default(intFrom(z.minimum(1), z.maximum(1000)), 10),
    CLAIM_BATCH_SIZE: z._default(intFrom(z.minimum(1), z.maximum(1000)), 50),
    IDEMPOTENCY_TTL_SECONDS: positiveInt(86_400),
    RESULT_TTL_SECONDS: positiveInt(7 * 86_400),
    QUEUE_NAME: z._default(
      z
        .string()
        .check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _ (at most 64)')),
      'default',
    ),
    /**
     * The task type an S3 object-created notification becomes (payload `{ bucket, key, size, eTag }`).
     * Empty counts as unset, so a deploy can pass the variable through whether or not it is set.
     */
    S3_TASK_TYPE: optionalUnlessEmpty(
      z
        .string()
        .check(
          z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'a task type: letters, digits, _ . : - (at most 64)'),
        ),
    ),
    /** `topic=type` pairs: SNS messages from that topic (name or ARN) become that type, the message as payload. */
    SNS_TOPIC_TASK_TYPES: z.pipe(
      csv,
      z.array(
        z
          .string()
          .check(z.regex(/^[^=\s]+=[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'topic=type pairs, comma-separated')),
      ),
    ),
    PORT: z._default(intFrom(z.minimum(0), z.maximum(65_535)), 3000),
    REDIS_URL: z._default(z.url({ protocol: /^rediss?$/ }), 'redis://127.0.0.1:6379'),
    RECONCILE_EVERY_MS: positiveInt(60_000),
  }),
  z.transform((env) => ({
    redis: {
      restUrl: env.UPSTASH_REDIS_REST_URL,
      restToken: env.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: env.REDIS_TIMEOUT_MS,
    },
    sqs: {
      taskQueueUrl: env.TASK_QUEUE_URL,
      deadLetterQueueUrl: env.DEAD_LETTER_QUEUE_URL,
      journalQueueUrl: env.JOURNAL_QUEUE_URL,
      endpoint: env.SQS_ENDPOINT,
      region: env.AWS_REGION,
      timeoutMs: env.SQS_TIMEOUT_MS,
      fifo: env.TASK_QUEUE_URL.endsWith('.fifo'),
    },
    breaker: {
      failureThreshold: env.BREAKER_FAILURE_THRESHOLD,
      cooldownMs: env.BREAKER_COOLDOWN_MS,
    },
    api: { tokens: env.TANDEM_API_TOKENS },
    http: {
      signingSecret: env.TANDEM_SIGNING_SECRET,
      allowedHosts: env.TANDEM_HTTP_ALLOWED_HOSTS,
      ...(env.TANDEM_HTTP_CONCURRENCY !== undefined && {
        concurrency: { limit: env.TANDEM_HTTP_CONCURRENCY },
      }),
      ...(env.TANDEM_HTTP_RATE_LIMIT !== undefined && { rateLimit: env.TANDEM_HTTP_RATE_LIMIT }),
    },
    queue: {
      name: env.QUEUE_NAME,
      leaseMs: env.LEASE_MS,
      concurrency: env.CONSUMER_CONCURRENCY,
      claimBatchSize: env.CLAIM_BATCH_SIZE,
      idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_SECONDS,
      resultTtlSeconds: env.RESULT_TTL_SECONDS,
    },
    events: {
      s3TaskType: env.S3_TASK_TYPE,
      snsTopicTaskTypes: Object.fromEntries(
        env.SNS_TOPIC_TASK_TYPES.map((pair) => {
          const at = pair.lastIndexOf('=');
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      ) as Record<string, string>,
    },
    local: { port: env.PORT, redisUrl: env.REDIS_URL, reconcileEveryMs: env.RECONCILE_EVERY_MS },
  })),
);

export type Config = z.output<typeof ConfigSchema>;
