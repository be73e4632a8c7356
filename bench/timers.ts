import type { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { createConsumeHandler } from '../lib/handlers/consume-handler.js';
import { silentLogger } from '../lib/observability/logger.js';
import { createSqsClient, toQueuePorts } from '../lib/queue/index.js';
import { defineTask } from '../lib/tasks/define-task.js';
import { sqsPollQueue, startSqsEventSource } from '../local/index.js';
import { makeEnvelope } from '../test/support/envelopes.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { createTandemQueues, type SqsEmulator, startSqsEmulator } from '../test/support/sqs-emulator.js';
import { type HarnessRuntime, runtimeFromEnv } from '../test/support/tandem-harness.js';
import type { BenchOptions } from './support/bench-options.js';
import { type BridgeProcess, startBridgeProcess } from './support/bridge-process.js';
import { deploymentEnv } from './support/deployment-env.js';
import { percentile, round } from './support/stats.js';

export interface TimerResults {
  /** How late delayed tasks started after their due time, p99 (ms), per path. */
  delayLateP99Ms: { redis: number; sqs: number };
  /** How late a retry started after its backoff ended, p99 (ms). */
  retryLateP99Ms: number;
  /** How late a task held by a dead consumer started after its lease ended, worst (ms). */
  reapLateMs: number;
  /** SQS requests Tandem made per delayed task, with tasks spread over `spreadMs` (wake-ups and their deletes). */
  sqsRequestsPerDelayedTask: number;
  samples: number;
  spread: { tasks: number; ms: number; sqsRequests: number; wakeUps: number };
}

/** When each task started and when it was due. */
type Starts = Map<string, { dueAt: number; startedAt: number }>;

/**
 * Section 6: time without servers. A consume function driven only by its SQS event source (as in Lambda),
 * no reconciler pass during the run (its period is a minute), and nothing else awake: every start below
 * comes from a wake-up. Each path, each kind of due time, and the SQS requests that costs.
 */
export async function measureTimers(options: BenchOptions): Promise<TimerResults> {
  const redis = await startRedisServer();
  const sqs = await startSqsEmulator();
  const bridge = await startBridgeProcess(redis.url);
  try {
    const redisPath = await delayedLateness(bridge, sqs, options.timerSamples, 'redis');
    const sqsPath = await delayedLateness(bridge, sqs, options.timerSamples, 'sqs');
    const retries = await retryLateness(bridge, sqs, options.timerSamples);
    const reap = await reapLateness(bridge, sqs);
    const spread = await spreadRequests(bridge, sqs, options.spreadTasks, options.spreadMs);
    return {
      delayLateP99Ms: { redis: redisPath, sqs: sqsPath },
      retryLateP99Ms: retries,
      reapLateMs: reap,
      sqsRequestsPerDelayedTask: round(spread.sqsRequests / options.spreadTasks, 3),
      samples: options.timerSamples,
      spread: { tasks: options.spreadTasks, ms: options.spreadMs, ...spread },
    };
  } finally {
    await bridge.close();
    await Promise.allSettled([redis.stop(), sqs.stop()]);
  }
}

/** A Tandem container with one task type that notes when each task starts, and its event source. */
async function container(
  bridge: BridgeProcess,
  sqs: SqsEmulator,
  env: Record<string, string>,
  onStart: (id: string, attempt: number, app: HarnessRuntime) => Promise<void>,
) {
  const label = Math.random().toString(36).slice(2, 8);
  const queues = await createTandemQueues(sqs, `timers-${label}`);
  const requests = { count: 0, wakeSends: 0 };
  const sqsClient = countingClient(sqs.endpoint, requests);
  const app: HarnessRuntime = runtimeFromEnv(
    sqs.endpoint,
    {
      ...deploymentEnv({ redis: bridge, sqsEndpoint: sqs.endpoint, queues, queueName: `timers-${label}` }),
      ...env,
    },
    queues,
    {
      sqsClient,
      tasks: [
        defineTask({
          type: 'timed',
          schema: z.unknown(),
          retry: { maxAttempts: 3, baseDelayMs: 1_000 },
          handler: async (_payload, { taskId, attempt }) => onStart(taskId, attempt, app),
        }),
      ],
    },
  );
  // The poller's own receives are Lambda's, and the same with or without delayed tasks; its deletes count.
  const pollClient = countingClient(sqs.endpoint, requests, { skipReceives: true });
  const source = startSqsEventSource({
    queue: sqsPollQueue(pollClient, queues.taskQueueUrl),
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:tasks',
    handler: (event, context) => createConsumeHandler(() => app)(event, context),
    logger: silentLogger,
    // Lambda's pollers long-poll 20 s; a message arriving ends the poll at once.
    waitSeconds: 20,
  });
  return {
    app,
    requests,
    async stop() {
      await source.stop();
      sqsClient.destroy();
      pollClient.destroy();
    },
  };
}

async function delayedLateness(
  bridge: BridgeProcess,
  sqs: SqsEmulator,
  samples: number,
  path: 'redis' | 'sqs',
) {
  const starts: Starts = new Map();
  const dueAt = new Map<string, number>();
  const redisDown = { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1' };
  const box = await container(bridge, sqs, path === 'sqs' ? redisDown : {}, async (id) => {
    starts.set(id, { dueAt: dueAt.get(id) ?? 0, startedAt: Date.now() });
  });
  try {
    for (let n = 0; n < samples; n += 1) {
      const delaySeconds = 1 + (n % 4);
      // runAt is set inside the enqueue, after this: lateness is measured from no later than the due time.
      const sentAt = Date.now();
      const receipt = await box.app.enqueue({ type: 'timed', payload: null, delaySeconds });
      if (receipt.via !== path) throw new Error(`delayed task went via ${receipt.via}, not ${path}`);
      dueAt.set(receipt.id, sentAt + delaySeconds * 1000);
      await sleep(150);
    }
    const all = await until(() => starts.size >= samples, 60_000);
    if (!all) process.stderr.write(`[bench] timers: ${path} path: ${starts.size} of ${samples} started\n`);
    return all ? lateP99(starts) : Number.POSITIVE_INFINITY;
  } finally {
    await box.stop();
  }
}

async function retryLateness(bridge: BridgeProcess, sqs: SqsEmulator, samples: number) {
  const starts: Starts = new Map();
  const box = await container(bridge, sqs, {}, async (id, attempt, app) => {
    if (attempt === 1) throw new Error('the first attempt fails');
    // The retry's due time is the runAt the failure stored.
    const status = await app.status(id);
    starts.set(id, { dueAt: status?.runAt ?? 0, startedAt: Date.now() });
  });
  try {
    for (let n = 0; n < samples; n += 1) {
      await box.app.enqueue({ type: 'timed', payload: null });
      await sleep(200);
    }
    const all = await until(() => starts.size >= samples, 60_000);
    return all ? lateP99(starts) : Number.POSITIVE_INFINITY;
  } finally {
    await box.stop();
  }
}

async function reapLateness(bridge: BridgeProcess, sqs: SqsEmulator) {
  let startedAt = 0;
  const box = await container(bridge, sqs, { LEASE_MS: '3000' }, async () => {
    startedAt = Date.now();
  });
  try {
    const ports = toQueuePorts(box.app.adapters, {
      retryAfterSeconds: 1,
      enqueueTimeoutMs: { redis: 150, sqs: 2000 },
    });
    // Stored without a wake-up, so that the zombie claims it first and then never acks: a consumer
    // killed mid-task. Its claim arms the wake-up for the end of its lease.
    const task = makeEnvelope({ type: 'timed', payload: null });
    await ports.redis.enqueue([task]);
    const lease = await ports.redis.claim({ max: 1, leaseMs: 3_000, consumerId: 'zombie', slotTtlMs: 3_000 });
    if (lease.tasks[0]?.id !== task.id) throw new Error('the zombie did not get the task');
    return (await until(() => startedAt > 0, 60_000))
      ? startedAt - lease.expiresAt
      : Number.POSITIVE_INFINITY;
  } finally {
    await box.stop();
  }
}

async function spreadRequests(bridge: BridgeProcess, sqs: SqsEmulator, tasks: number, spreadMs: number) {
  let done = 0;
  const box = await container(bridge, sqs, {}, async () => {
    done += 1;
  });
  try {
    const start = Date.now() + 1_000;
    box.requests.count = 0;
    box.requests.wakeSends = 0;
    for (let first = 0; first < tasks; first += 100) {
      const batch = Array.from({ length: Math.min(100, tasks - first) }, (_, k) => ({
        type: 'timed',
        payload: null,
        runAt: new Date(start + Math.floor(((first + k) * spreadMs) / tasks)).toISOString(),
      }));
      await box.app.enqueueBatch(batch);
    }
    await until(() => done >= tasks, spreadMs + 60_000);
    return { sqsRequests: box.requests.count, wakeUps: box.requests.wakeSends };
  } finally {
    await box.stop();
  }
}

/** An SQS client that counts the requests it sends (and, of those, wake-ups sent). */
function countingClient(
  endpoint: string,
  counter: { count: number; wakeSends: number },
  { skipReceives = false } = {},
): SQSClient {
  const client = createSqsClient({
    region: 'us-east-1',
    timeoutMs: 25_000,
    endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (skipReceives && context.commandName === 'ReceiveMessageCommand') return next(args);
      counter.count += 1;
      if (JSON.stringify(args.input).includes('tandem.wake')) counter.wakeSends += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return client;
}

function lateP99(starts: Starts): number {
  return round(
    percentile(
      [...starts.values()].map(({ dueAt, startedAt }) => startedAt - dueAt),
      99,
    ),
    0,
  );
}

/** Waits for `condition`; false when it did not hold in time (the figure then reports what did start). */
async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      process.stderr.write(
        '[bench] timers: not every task started in time; the figure counts them as late\n',
      );
      return false;
    }
    await sleep(20);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
