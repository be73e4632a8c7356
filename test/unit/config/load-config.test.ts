import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/errors.js';
import { loadConfig } from '../../../lib/config/load-config.js';

const REST_TOKEN = 'AYNgASQgrest-token-value-0001';
const API_TOKEN_A = 'tok_aaaaaaaaaaaaaaaa';
const API_TOKEN_B = 'tok_bbbbbbbbbbbbbbbb';
const SIGNING_SECRET = 'signing-secret-0123456789';

/** The smallest environment a deployment can start with. */
const minimalEnv = (): Record<string, string | undefined> => ({
  UPSTASH_REDIS_REST_URL: 'https://eu1-tandem.upstash.io',
  UPSTASH_REDIS_REST_TOKEN: REST_TOKEN,
  TASK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-tasks',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-dead',
  JOURNAL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-journal',
  TANDEM_API_TOKENS: `${API_TOKEN_A}, ${API_TOKEN_B}`,
  TANDEM_SIGNING_SECRET: SIGNING_SECRET,
});

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('loadConfig', () => {
  it('turns a minimal environment into the nested config with every default', () => {
    expect(loadConfig(minimalEnv())).toEqual({
      redis: { restUrl: 'https://eu1-tandem.upstash.io', restToken: REST_TOKEN, timeoutMs: 150 },
      sqs: {
        taskQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-tasks',
        deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-dead',
        journalQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-journal',
        endpoint: undefined,
        region: 'us-east-1',
        timeoutMs: 2000,
        fifo: false,
      },
      breaker: { failureThreshold: 3, cooldownMs: 2000 },
      api: { tokens: [API_TOKEN_A, API_TOKEN_B] },
      http: { signingSecret: SIGNING_SECRET, allowedHosts: [] },
      queue: {
        name: 'default',
        leaseMs: 30_000,
        concurrency: 10,
        claimBatchSize: 50,
        idempotencyTtlSeconds: 86_400,
        resultTtlSeconds: 604_800,
      },
      events: { s3TaskType: undefined, snsTopicTaskTypes: {} },
      local: { port: 3000, redisUrl: 'redis://127.0.0.1:6379', reconcileEveryMs: 60_000 },
    });
  });

  it('reads every optional variable, coercing numbers and splitting lists', () => {
    const config = loadConfig({
      ...minimalEnv(),
      SQS_ENDPOINT: 'http://127.0.0.1:4566',
      AWS_REGION: 'eu-west-1',
      TANDEM_HTTP_ALLOWED_HOSTS: ' hooks.example.com ,*.partner.test,, ',
      REDIS_TIMEOUT_MS: '80',
      SQS_TIMEOUT_MS: '1500',
      BREAKER_FAILURE_THRESHOLD: '5',
      BREAKER_COOLDOWN_MS: '750',
      LEASE_MS: '10000',
      CONSUMER_CONCURRENCY: '4',
      CLAIM_BATCH_SIZE: '20',
      QUEUE_NAME: 'emails_eu-1',
      PORT: '8080',
      REDIS_URL: 'rediss://cache.internal:6380',
      RECONCILE_EVERY_MS: '5000',
    });
    expect(config.redis.timeoutMs).toBe(80);
    expect(config.sqs).toMatchObject({
      endpoint: 'http://127.0.0.1:4566',
      region: 'eu-west-1',
      timeoutMs: 1500,
    });
    expect(config.http.allowedHosts).toEqual(['hooks.example.com', '*.partner.test']);
    expect(config.breaker).toEqual({ failureThreshold: 5, cooldownMs: 750 });
    expect(config.queue).toMatchObject({
      name: 'emails_eu-1',
      leaseMs: 10_000,
      concurrency: 4,
      claimBatchSize: 20,
    });
    expect(config.local).toEqual({
      port: 8080,
      redisUrl: 'rediss://cache.internal:6380',
      reconcileEveryMs: 5000,
    });
  });

  it('maps S3 notifications and SNS topics to task types', () => {
    const config = loadConfig({
      ...minimalEnv(),
      S3_TASK_TYPE: 'image.resize',
      SNS_TOPIC_TASK_TYPES: 'orders=order.placed, arn:aws:sns:eu-west-1:123456789012:refunds=refund.issue',
    });
    expect(config.events).toEqual({
      s3TaskType: 'image.resize',
      snsTopicTaskTypes: {
        orders: 'order.placed',
        'arn:aws:sns:eu-west-1:123456789012:refunds': 'refund.issue',
      },
    });
  });

  it('reads per-host limits of the http task', () => {
    const config = loadConfig({
      ...minimalEnv(),
      TANDEM_HTTP_CONCURRENCY: '4',
      TANDEM_HTTP_RATE_LIMIT: '600/1m',
    });
    expect(config.http).toMatchObject({
      concurrency: { limit: 4 },
      rateLimit: { limit: 600, periodMs: 60_000 },
    });
    expect(loadConfig({ ...minimalEnv(), TANDEM_HTTP_RATE_LIMIT: '5/500ms' }).http.rateLimit).toEqual({
      limit: 5,
      periodMs: 500,
    });
    expect(
      loadConfig({ ...minimalEnv(), TANDEM_HTTP_RATE_LIMIT: '10/s', TANDEM_HTTP_CONCURRENCY: '' }).http,
    ).toEqual({
      signingSecret: SIGNING_SECRET,
      allowedHosts: [],
      rateLimit: { limit: 10, periodMs: 1_000 },
    });
  });

  it.each([
    ['TANDEM_HTTP_RATE_LIMIT', '10 per second'],
    ['TANDEM_HTTP_RATE_LIMIT', '0/1s'],
    ['TANDEM_HTTP_RATE_LIMIT', '5/2d'],
    ['TANDEM_HTTP_RATE_LIMIT', '5/5ms'],
    ['TANDEM_HTTP_CONCURRENCY', '0'],
    ['TANDEM_HTTP_CONCURRENCY', 'lots'],
  ])('refuses %s=%s and names it', (variable, value) => {
    expect(configErrorOf({ ...minimalEnv(), [variable]: value }).variables).toEqual([variable]);
  });

  it('marks a task queue whose URL ends in .fifo as FIFO', () => {
    const config = loadConfig({
      ...minimalEnv(),
      TASK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-tasks.fifo',
    });
    expect(config.sqs.fifo).toBe(true);
  });

  it('ignores variables it does not own', () => {
    const config = loadConfig({ ...minimalEnv(), PATH: '/usr/bin', AWS_LAMBDA_FUNCTION_NAME: 'enqueue' });
    expect(config).not.toHaveProperty('PATH');
    expect(config.redis.timeoutMs).toBe(150);
  });

  it('names a missing variable in the message and in .variables', () => {
    const { TASK_QUEUE_URL: _omitted, ...env } = minimalEnv();
    const error = configErrorOf(env);
    expect(error.variables).toEqual(['TASK_QUEUE_URL']);
    expect(error.message).toContain('TASK_QUEUE_URL');
    expect(error.message).toContain('not set');
  });

  it.each([
    ['REDIS_TIMEOUT_MS', 'fast'],
    ['REDIS_TIMEOUT_MS', '0'],
    ['SQS_TIMEOUT_MS', '-5'],
    ['BREAKER_FAILURE_THRESHOLD', '2.5'],
    ['CONSUMER_CONCURRENCY', '1001'],
    ['QUEUE_NAME', 'Has Spaces'],
    ['UPSTASH_REDIS_REST_URL', 'redis://eu1-tandem.upstash.io'],
    ['DEAD_LETTER_QUEUE_URL', 'not a url'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['PORT', '70000'],
    ['S3_TASK_TYPE', 'has spaces'],
    ['SNS_TOPIC_TASK_TYPES', 'orders-without-a-type'],
  ])('rejects %s=%j, naming it and quoting the value', (variable, value) => {
    const error = configErrorOf({ ...minimalEnv(), [variable]: value });
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('names every bad variable at once', () => {
    const { JOURNAL_QUEUE_URL: _omitted, ...env } = minimalEnv();
    const error = configErrorOf({ ...env, SQS_TIMEOUT_MS: 'soon', QUEUE_NAME: '-leading-dash' });
    expect([...error.variables].sort()).toEqual(['JOURNAL_QUEUE_URL', 'QUEUE_NAME', 'SQS_TIMEOUT_MS']);
    for (const variable of error.variables) expect(error.message).toContain(variable);
  });

  it('lists a variable once even when it has several problems', () => {
    const error = configErrorOf({ ...minimalEnv(), TANDEM_API_TOKENS: 'short-one,short-two' });
    expect(error.variables).toEqual(['TANDEM_API_TOKENS']);
  });

  it('never echoes the value of a secret variable', () => {
    const shortSecret = 'sig-secret-x';
    const weakToken = 'weak-token-7';
    const error = configErrorOf({
      ...minimalEnv(),
      TANDEM_SIGNING_SECRET: shortSecret,
      TANDEM_API_TOKENS: `${API_TOKEN_A},${weakToken}`,
      REDIS_TIMEOUT_MS: 'slow',
    });
    expect([...error.variables].sort()).toEqual([
      'REDIS_TIMEOUT_MS',
      'TANDEM_API_TOKENS',
      'TANDEM_SIGNING_SECRET',
    ]);
    expect(error.message).toContain('"slow"');
    for (const secret of [shortSecret, weakToken, API_TOKEN_A, REST_TOKEN]) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('rejects an empty Redis token without printing anything of it', () => {
    const error = configErrorOf({ ...minimalEnv(), UPSTASH_REDIS_REST_TOKEN: '' });
    expect(error.variables).toEqual(['UPSTASH_REDIS_REST_TOKEN']);
    expect(error.message).not.toContain('got');
  });
});
