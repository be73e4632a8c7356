import { randomBytes } from 'node:crypto';
import { createTandemApp, type TandemAppOptions } from '../../lib/app/create-tandem-app.js';
import type { TandemApp } from '../../lib/app/tandem-app.js';
import { type Config, loadConfig } from '../../lib/config/index.js';
import { silentLogger } from '../../lib/observability/logger.js';
import { noMetrics } from '../../lib/observability/metrics.js';
import { createQueueAdapters, type QueueAdapters } from '../../lib/queue/create-queue-adapters.js';
import { createRedisClient } from '../../lib/queue/redis/create-redis-client.js';
import { createSqsClient } from '../../lib/queue/sqs/create-sqs-client.js';
import { type RedisStack, type RedisStackOptions, startRedisStack } from './redis-stack.js';
import {
  createTandemQueues,
  type SqsEmulator,
  startSqsEmulator,
  type TandemQueueOptions,
  type TandemQueues,
} from './sqs-emulator.js';
import { pendingTaskMessages } from './wake-messages.js';

/** Real Redis behind the REST bridge, and fauxqs: everything a Tandem runtime talks to. */
export interface TandemHarness {
  stack: RedisStack;
  sqs: SqsEmulator;
  /**
   * A runtime on its own queue name and its own SQS queues, with a fresh breaker, built from environment
   * variables exactly as a Lambda would build it. `env` overrides the defaults.
   */
  runtime(options?: HarnessRuntimeOptions): Promise<HarnessRuntime>;
  stop(): Promise<void>;
}

export interface HarnessRuntimeOptions extends Omit<TandemAppOptions, 'config' | 'adapters'> {
  env?: Record<string, string>;
  queues?: TandemQueueOptions;
}

/**
 * A Tandem app plus, for tests only, the raw adapters it was built on: the test-only factory the app's
 * own interface never offers.
 */
export type HarnessRuntime = TandemApp & {
  adapters: QueueAdapters;
  /** Task messages on its task queue (wake-ups left out), when the emulator is known. */
  pendingTaskMessages?: () => Promise<number>;
  queueUrls: TandemQueues;
  env: Record<string, string>;
};

export const TEST_API_TOKEN = 'test-token-0123456789abcdef';

export async function startTandemHarness(
  options: { redis?: RedisStackOptions } = {},
): Promise<TandemHarness> {
  const stack = await startRedisStack(options.redis);
  const sqs = await startSqsEmulator();
  return {
    stack,
    sqs,
    async runtime({ env = {}, queues: queueOptions, ...runtimeOptions } = {}) {
      const label = randomBytes(4).toString('hex');
      const queues = await createTandemQueues(sqs, `t-${label}`, queueOptions);
      const fullEnv = harnessEnv(stack, sqs, queues, label, env);
      const runtime = runtimeFromEnv(sqs.endpoint, fullEnv, queues, runtimeOptions);
      return Object.assign(runtime, {
        pendingTaskMessages: () => pendingTaskMessages(sqs, queues.taskQueueUrl),
      });
    },
    async stop() {
      await Promise.allSettled([stack.stop(), sqs.stop()]);
    },
  };
}

/**
 * A runtime built from a complete environment, as a Lambda container builds it, but with the emulator's
 * credentials and quiet logs. Two runtimes from the same environment are two containers of one deployment.
 */
export function runtimeFromEnv(
  sqsEndpoint: string,
  env: Record<string, string>,
  queues: TandemQueues,
  { redis, sqsClient, ...options }: Omit<TandemAppOptions, 'config' | 'adapters'> = {},
): HarnessRuntime {
  const config: Config = loadConfig(env);
  const adapters = createQueueAdapters(config, {
    redis:
      redis ??
      createRedisClient({
        url: config.redis.restUrl,
        token: config.redis.restToken,
        timeoutMs: config.redis.timeoutMs,
      }),
    sqsClient:
      sqsClient ??
      createSqsClient({
        region: config.sqs.region,
        timeoutMs: config.sqs.timeoutMs,
        endpoint: sqsEndpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
  });
  const app = createTandemApp({ config, logger: silentLogger, metrics: noMetrics, ...options, adapters });
  return Object.assign(app, { adapters, queueUrls: queues, env });
}

function harnessEnv(
  stack: RedisStack,
  sqs: SqsEmulator,
  queues: TandemQueues,
  label: string,
  overrides: Record<string, string>,
): Record<string, string> {
  return {
    UPSTASH_REDIS_REST_URL: stack.bridge.url,
    UPSTASH_REDIS_REST_TOKEN: stack.bridge.token,
    TASK_QUEUE_URL: queues.taskQueueUrl,
    DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
    JOURNAL_QUEUE_URL: queues.journalQueueUrl,
    SQS_ENDPOINT: sqs.endpoint,
    TANDEM_API_TOKENS: TEST_API_TOKEN,
    TANDEM_SIGNING_SECRET: 'test-signing-secret-0123456789',
    TANDEM_HTTP_ALLOWED_HOSTS: '127.0.0.1',
    QUEUE_NAME: `q-${label}`,
    ...overrides,
  };
}
