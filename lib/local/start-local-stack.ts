import { randomBytes } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import { createConsumeHandler } from '../../functions/consume.js';
import { createReconcileHandler } from '../../functions/reconcile.js';
import { tasks as deploymentTasks } from '../../functions/tasks.js';
import { createApiApp } from '../api/index.js';
import { type Config, loadConfig } from '../config/index.js';
import { createLogger } from '../observability/create-logger.js';
import { errorMessage } from '../observability/error-message.js';
import type { Logger } from '../observability/logger.js';
import { noMetrics } from '../observability/metrics.js';
import { createRedisClient } from '../queue/redis/create-redis-client.js';
import { RedisTaskQueue } from '../queue/redis/redis-task-queue.js';
import { createSqsClient } from '../queue/sqs/index.js';
import { createRuntime, type Runtime } from '../runtime/create-runtime.js';
import type { TaskDefinition } from '../tasks/define-task.js';
import { describeLocalStack } from './describe-local-stack.js';
import { ensureTandemQueues, type TandemQueueUrls } from './ensure-tandem-queues.js';
import {
  type SqsEventSource,
  type SqsEventSourceOptions,
  startSqsEventSource,
} from './event-source/sqs-event-source.js';
import { createInProcessConsumer } from './in-process-consumer.js';
import { type Environment, prepareLocalEnv } from './local-env.js';
import { type ReconcileTimer, startReconcileTimer } from './reconcile-timer.js';
import { type RestBridge, startRestBridge } from './rest-bridge/index.js';
import { serveHttp } from './serve-http.js';
import { type SqsEmulator, startSqsEmulator } from './sqs-emulator.js';

export interface LocalStackOptions {
  /** The environment to read, as Lambda's cold start reads it (`main.ts` passes `process.env`). */
  env: Environment;
  /** The deployment's task types; default: `functions/tasks.ts`. The built-in `http` type is always there. */
  tasks?: readonly TaskDefinition[];
  /** Default: one readable line per entry on stdout (`HH:MM:SS.mmm LEVEL message key=value …`). */
  logger?: Logger;
  /** Where the start-up summary and notices go (default: stdout). */
  print?: (line: string) => void;
  /** The interface the HTTP API listens on (default 127.0.0.1: the local stack is not for exposure). */
  host?: string;
  /** Tuning for the event-source emulator; the defaults are Lambda's. */
  eventSource?: Pick<
    SqsEventSourceOptions,
    'batchSize' | 'concurrency' | 'waitSeconds' | 'functionTimeoutMs'
  >;
}

/** Where everything runs, as printed at start. */
export interface LocalStackInfo {
  /** The HTTP API, e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  /** A token the API accepts (the first of `TANDEM_API_TOKENS`, or the generated one). */
  token: string;
  generated: { token: boolean; signingSecret: boolean };
  redis: {
    /** `upstash`: `UPSTASH_REDIS_REST_*`; `bridge`: the REST bridge in front of `REDIS_URL`. */
    via: 'upstash' | 'bridge';
    /** The TCP Redis (bridge) or the Upstash REST URL, without credentials. */
    url: string;
    /** The REST endpoint the runtime talks to. */
    restUrl: string;
    reachable: boolean;
    latencyMs?: number;
    error?: string;
  };
  sqs: { endpoint: string; embedded: boolean; queues: TandemQueueUrls };
  reconcileEveryMs: number;
}

export interface LocalStack extends LocalStackInfo {
  /** The runtime every part shares (the one the handlers were made from). */
  readonly runtime: Runtime;
  /** Runs a reconciler pass now (or waits for the running one). */
  reconcileNow(): Promise<void>;
  /**
   * Stops in order: the HTTP API stops accepting (requests in progress get their answer), the event source,
   * the reconciler and the drain stop claiming, running tasks finish or give their leases back, then the
   * bridge and the embedded SQS close. Safe to call twice.
   */
  stop(): Promise<void>;
}

// The consume function's timeout locally; the task queue hides a received message a little longer, so a batch
// still running is never delivered twice.
const CONSUME_TIMEOUT_MS = 300_000;
const MAX_RECEIVE_COUNT = 10;
const REDIS_CHECK_TIMEOUT_MS = 2_000;
const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Tandem on one machine, in one process, with real parts: the HTTP API, Redis (Upstash, or the REST bridge in
 * front of `REDIS_URL`), SQS (`SQS_ENDPOINT`, or an embedded emulator), the event-source emulator driving the
 * consume handler, the reconcile handler on a timer, and wake-ups as in-process drains. Starts even when Redis
 * is down, and then serves on the SQS path.
 *
 * @example
 * const stack = await startLocalStack({ env: { ...process.env, PORT: '0' } });
 * await fetch(`${stack.url}/health`, { headers: { authorization: `Bearer ${stack.token}` } });
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const local = prepareLocalEnv(options.env);
  const { settings } = local;
  // Readable rather than JSON: this log is read in a terminal. The queue is in the start-up summary.
  const logger = options.logger ?? createLogger({ format: 'pretty' });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const parts: RunningParts = {};

  try {
    const redis = await startRedis(local.upstash, settings, logger);
    if (redis.bridge) parts.bridge = redis.bridge.close;

    const sqs = await startSqs(settings);
    parts.sqs = sqs.close;
    const functionTimeoutMs = options.eventSource?.functionTimeoutMs ?? CONSUME_TIMEOUT_MS;
    const queues = await ensureTandemQueues(sqs.client, {
      prefix: `tandem-${settings.queue.name}`,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      taskQueueAttributes: { VisibilityTimeout: String(Math.ceil(functionTimeoutMs / 1000) + 30) },
    });

    const config = loadConfig({
      ...local.env,
      UPSTASH_REDIS_REST_URL: redis.restUrl,
      UPSTASH_REDIS_REST_TOKEN: redis.restToken,
      SQS_ENDPOINT: sqs.endpoint,
      TASK_QUEUE_URL: queues.taskQueueUrl,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      JOURNAL_QUEUE_URL: queues.journalQueueUrl,
    });
    // The runtime and the consumer need each other: wake-ups start drains of this runtime's queue (no
    // wake-up can come before the runtime exists, since the runtime is what sends them).
    const consumer = createInProcessConsumer({
      drain: (remainingTimeMs, stopSignal) => runtime.drain(remainingTimeMs, stopSignal),
      logger,
    });
    const runtime: Runtime = createRuntime({
      config,
      tasks: options.tasks ?? deploymentTasks,
      wakeConsumer: () => consumer.wake(),
      logger,
      metrics: noMetrics,
      sqsClient: sqs.client,
    });
    parts.drain = consumer.stop;

    const reachability = await checkRedis(config);

    const consume = createConsumeHandler(runtime);
    const eventSource: SqsEventSource = startSqsEventSource({
      queue: runtime.sqs.tasks,
      queueArn: queues.taskQueueArn,
      handler: (event, context) => consume(event, context),
      logger: logger.child({ part: 'event-source' }),
      region: config.sqs.region,
      ...options.eventSource,
      functionTimeoutMs,
    });
    parts.eventSource = eventSource.stop;

    const reconcileHandler = createReconcileHandler(runtime);
    const reconciler: ReconcileTimer = startReconcileTimer({
      everyMs: settings.local.reconcileEveryMs,
      logger,
      run: async () => {
        const report = await reconcileHandler(scheduledEvent(config.sqs.region));
        // In process we know for certain whether a consumer runs. A wake-up reserved by an enqueue whose
        // answer never arrived (Redis stalled, applied it later) holds the slot for its whole hold time;
        // Lambda waits that out, here a backlog with no drain running starts one at once.
        if ((report.redisDepths?.ready.depth ?? 0) > 0 && !consumer.running) await consumer.wake();
      },
    });
    parts.reconciler = reconciler.stop;

    const http = await serveHttp(
      createApiApp(runtime).fetch,
      settings.local.port,
      options.host ?? '127.0.0.1',
    );
    parts.http = () => http.close();

    const info: LocalStackInfo = {
      url: http.url,
      port: http.port,
      token: local.generatedToken ?? (config.api.tokens[0] as string),
      generated: { token: local.generatedToken !== undefined, signingSecret: local.generatedSigningSecret },
      redis: {
        via: redis.bridge ? 'bridge' : 'upstash',
        url: redis.displayUrl,
        restUrl: redis.restUrl,
        ...reachability,
      },
      sqs: { endpoint: sqs.endpoint, embedded: sqs.embedded, queues },
      reconcileEveryMs: settings.local.reconcileEveryMs,
    };
    for (const line of describeLocalStack(info)) print(line);

    let stopping: Promise<void> | undefined;
    return {
      ...info,
      runtime,
      reconcileNow: () => reconciler.runNow(),
      stop() {
        stopping ??= stopInOrder(parts, logger);
        return stopping;
      },
    };
  } catch (error) {
    await stopInOrder(parts, logger);
    throw error;
  }
}

/** How to stop each part that has started. */
interface RunningParts {
  http?: () => Promise<void>;
  eventSource?: () => Promise<void>;
  reconciler?: () => Promise<void>;
  drain?: () => Promise<void>;
  sqs?: () => Promise<void>;
  bridge?: () => Promise<void>;
}

/**
 * HTTP first, so nothing new arrives; then the three consumers of work (event source, reconciler, drain)
 * together, since none waits on another; the backends last, since those three still write to them.
 */
async function stopInOrder(parts: RunningParts, logger: Logger): Promise<void> {
  const run = async (close: (() => Promise<void>) | undefined) => {
    try {
      await close?.();
    } catch (error) {
      logger.warn('local stack: a part did not stop cleanly', { error });
    }
  };
  await run(parts.http);
  await Promise.all([run(parts.eventSource), run(parts.reconciler), run(parts.drain)]);
  await Promise.all([run(parts.sqs), run(parts.bridge)]);
}

interface RedisSide {
  restUrl: string;
  restToken: string;
  /** What to show: the TCP URL behind the bridge, or the Upstash URL, without credentials. */
  displayUrl: string;
  bridge?: RestBridge;
}

async function startRedis(upstash: boolean, settings: Config, logger: Logger): Promise<RedisSide> {
  if (upstash) {
    return {
      restUrl: settings.redis.restUrl,
      restToken: settings.redis.restToken,
      displayUrl: withoutCredentials(settings.redis.restUrl),
    };
  }
  let lastLogged = 0;
  const bridge = await startRestBridge({
    redisUrl: settings.local.redisUrl,
    token: randomBytes(24).toString('base64url'),
    // It keeps trying while Redis is down; one line every half minute says so without flooding the log.
    onRedisError: (error) => {
      if (Date.now() - lastLogged < 30_000) return;
      lastLogged = Date.now();
      logger.warn('REST bridge: Redis is unreachable; retrying', { error });
    },
  });
  return {
    restUrl: bridge.url,
    restToken: bridge.token,
    displayUrl: withoutCredentials(settings.local.redisUrl),
    bridge,
  };
}

interface SqsSide {
  endpoint: string;
  embedded: boolean;
  client: SQSClient;
  close(): Promise<void>;
}

async function startSqs(settings: Config): Promise<SqsSide> {
  const emulator: SqsEmulator | undefined =
    settings.sqs.endpoint === undefined ? await startSqsEmulator() : undefined;
  const endpoint = emulator?.endpoint ?? (settings.sqs.endpoint as string);
  const client = createSqsClient({
    region: settings.sqs.region,
    timeoutMs: settings.sqs.timeoutMs,
    endpoint,
    // A local SQS does not check signatures; the SDK only insists that there are credentials.
    credentials: DUMMY_CREDENTIALS,
  });
  return {
    endpoint,
    embedded: emulator !== undefined,
    client,
    async close() {
      client.destroy();
      await emulator?.stop();
    },
  };
}

/** A real round trip through the same client settings the runtime uses, with a start-up sized deadline. */
async function checkRedis(
  config: Config,
): Promise<{ reachable: boolean; latencyMs?: number; error?: string }> {
  const probe = new RedisTaskQueue({
    redis: createRedisClient({
      url: config.redis.restUrl,
      token: config.redis.restToken,
      timeoutMs: REDIS_CHECK_TIMEOUT_MS,
    }),
    queueName: config.queue.name,
    idempotencyTtlMs: config.queue.idempotencyTtlSeconds * 1000,
    resultTtlMs: config.queue.resultTtlSeconds * 1000,
  });
  const started = performance.now();
  try {
    await probe.ping();
    return { reachable: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { reachable: false, error: errorMessage(error) };
  }
}

function scheduledEvent(region: string): ScheduledEvent {
  return {
    version: '0',
    id: randomBytes(16).toString('hex'),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/tandem-reconcile-local`],
    detail: {},
  };
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
