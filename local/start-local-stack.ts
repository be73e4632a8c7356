import { randomBytes } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import {
  type AnyTaskDefinition,
  createLogger,
  createTandem,
  type Logger,
  noMetrics,
  type Tandem,
  type TandemApp,
} from '../lib/index.js';
import { describeLocalStack } from './describe-local-stack.js';
import { ensureTandemQueues, type TandemQueueUrls } from './ensure-tandem-queues.js';
import {
  type SqsEventSource,
  type SqsEventSourceOptions,
  startSqsEventSource,
} from './event-source/sqs-event-source.js';
import { sqsPollQueue } from './event-source/sqs-poll-queue.js';
import { checkRedis, startRedis, startSqs } from './local-backends.js';
import { type Environment, prepareLocalEnv } from './local-env.js';
import { type ReconcileTimer, startReconcileTimer } from './reconcile-timer.js';
import { serveHttp } from './serve-http.js';
import { type RunningParts, stopInOrder } from './stop-in-order.js';

export interface LocalStackOptions {
  /** The environment to read, as Lambda's cold start reads it (`main.ts` passes `process.env`). */
  env: Environment;
  /** The deployment's task types (`npm start` passes `functions/tasks.ts`); the `http` type is always there. */
  tasks: readonly AnyTaskDefinition[];
  /** Default: readable lines on stdout (`HH:MM:SS.mmm LEVEL message key=value`). */
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
  /** The Tandem every part shares (the one the handlers were made from), through the public API. */
  readonly tandem: Tandem<readonly AnyTaskDefinition[]>;
  /** Its use cases. */
  readonly runtime: TandemApp;
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

/**
 * Tandem on one machine, in one process, with real parts: the HTTP API, Redis (Upstash, or the REST bridge in
 * front of `REDIS_URL`), SQS (`SQS_ENDPOINT`, or an embedded emulator), the event-source emulator driving the
 * consume handler (tasks and wake-ups alike, as in Lambda), the reconcile handler on a timer. Starts even when Redis
 * is down, and then serves on the SQS path.
 *
 * @example
 * const stack = await startLocalStack({ env: { ...process.env, PORT: '0' }, tasks });
 * await fetch(`${stack.url}/health`, { headers: { authorization: `Bearer ${stack.token}` } });
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const local = prepareLocalEnv(options.env);
  const { settings } = local;
  const logger = options.logger ?? createLogger({ format: 'pretty', fields: { queue: settings.queue.name } });
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

    // The environment as a Lambda container of this deployment would see it; read once, by createTandem.
    const env = {
      ...local.env,
      UPSTASH_REDIS_REST_URL: redis.restUrl,
      UPSTASH_REDIS_REST_TOKEN: redis.restToken,
      SQS_ENDPOINT: sqs.endpoint,
      TASK_QUEUE_URL: queues.taskQueueUrl,
      DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
      JOURNAL_QUEUE_URL: queues.journalQueueUrl,
    };
    const tandem = createTandem({
      tasks: options.tasks,
      env,
      logger,
      metrics: noMetrics,
      sqsClient: sqs.client,
    });
    tandem.app(); // reads the environment now: a bad variable stops the start, naming itself
    const reachability = await checkRedis(redis);

    const eventSource: SqsEventSource = startSqsEventSource({
      queue: sqsPollQueue(sqs.client, queues.taskQueueUrl),
      queueArn: queues.taskQueueArn,
      handler: (event, context) => tandem.handlers.consume(event, context),
      logger: logger.child({ part: 'event-source' }),
      region: settings.sqs.region,
      ...options.eventSource,
      functionTimeoutMs,
    });
    parts.eventSource = eventSource.stop;

    const reconciler: ReconcileTimer = startReconcileTimer({
      everyMs: settings.local.reconcileEveryMs,
      logger,
      run: async () => {
        await tandem.handlers.reconcile(scheduledEvent(settings.sqs.region));
      },
    });
    parts.reconciler = reconciler.stop;

    const http = await serveHttp(tandem.fetch, settings.local.port, options.host ?? '127.0.0.1');
    parts.http = () => http.close();

    const info: LocalStackInfo = {
      url: http.url,
      port: http.port,
      token: local.generatedToken ?? (settings.api.tokens[0] as string),
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
      tandem,
      get runtime() {
        return tandem.app();
      },
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
