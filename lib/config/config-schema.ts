import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The whole environment contract, read once at cold start. Every variable Tandem reads is here;
 * nothing else under `lib/` touches `process.env`.
 */
export const ConfigSchema = z
  .object({
    UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
    TASK_QUEUE_URL: z.url(),
    DEAD_LETTER_QUEUE_URL: z.url(),
    JOURNAL_QUEUE_URL: z.url(),
    SQS_ENDPOINT: z.url().optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    TANDEM_API_TOKENS: csv.pipe(z.array(z.string().min(16, 'tokens must be at least 16 characters')).min(1)),
    TANDEM_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters'),
    TANDEM_HTTP_ALLOWED_HOSTS: csv,
    REDIS_TIMEOUT_MS: positiveInt(150),
    SQS_TIMEOUT_MS: positiveInt(2000),
    BREAKER_FAILURE_THRESHOLD: positiveInt(3),
    BREAKER_COOLDOWN_MS: positiveInt(2000),
    LEASE_MS: positiveInt(30_000),
    CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
    CLAIM_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
    IDEMPOTENCY_TTL_SECONDS: positiveInt(86_400),
    RESULT_TTL_SECONDS: positiveInt(7 * 86_400),
    QUEUE_NAME: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _ (at most 64)')
      .default('default'),
    /**
     * The task type an S3 object-created notification becomes (payload `{ bucket, key, size, eTag }`).
     * Empty counts as unset, so a deploy can pass the variable through whether or not it is set.
     */
    S3_TASK_TYPE: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'a task type: letters, digits, _ . : - (at most 64)')
        .optional(),
    ),
    /** `topic=type` pairs: SNS messages from that topic (name or ARN) become that type, the message as payload. */
    SNS_TOPIC_TASK_TYPES: csv.pipe(
      z.array(
        z.string().regex(/^[^=\s]+=[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'topic=type pairs, comma-separated'),
      ),
    ),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    RECONCILE_EVERY_MS: positiveInt(60_000),
  })
  .transform((env) => ({
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
    http: { signingSecret: env.TANDEM_SIGNING_SECRET, allowedHosts: env.TANDEM_HTTP_ALLOWED_HOSTS },
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
  }));

export type Config = z.output<typeof ConfigSchema>;
