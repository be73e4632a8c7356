import { loadConfig } from '../lib/config/index.js';
import { FailoverProducer } from '../lib/queue/failover/failover-producer.js';
import { GuardedTaskQueue } from '../lib/queue/guard/guarded-task-queue.js';
import { RedisGuard } from '../lib/queue/guard/redis-guard.js';
import { createRedisClient } from '../lib/queue/redis/create-redis-client.js';
import { createSqsClient } from '../lib/queue/sqs/create-sqs-client.js';
import { SqsTaskQueue } from '../lib/queue/sqs/sqs-task-queue.js';
import type { Backend } from '../lib/tasks/task-envelope.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { createTandemQueues, startSqsEmulator } from '../test/support/sqs-emulator.js';
import type { BenchOptions } from './support/bench-options.js';
import { startBridgeProcess } from './support/bridge-process.js';
import { median, percentile, round } from './support/stats.js';
import { benchEnvelope, benchQueue, uniqueQueueName } from './support/workload.js';

export interface FailoverTrial {
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  recoveryMs: number;
  duringOutage: { total: number; viaRedis: number; viaSqs: number };
  errors: number;
  /** Of the first 100 enqueues sent once Redis answered again, the share that went to SQS (%). */
  recoveryViaSqsPct: number;
}

export interface FailoverResults {
  /** Latency of the first enqueue sent after Redis stalled (median over trials). */
  firstMs: number;
  /** Over every enqueue sent while Redis was stalled, all trials pooled. */
  p50Ms: number;
  p99Ms: number;
  /** From SIGCONT to the first enqueue answered by Redis (median over trials). */
  recoveryMs: number;
  /** Of the first 100 enqueues sent after that one, the share that still went to SQS (%, worst trial). */
  recoveryViaSqsPct: number;
  settings: { redisTimeoutMs: number; sqsTimeoutMs: number; failureThreshold: number; cooldownMs: number };
  rate: number;
  outageMs: number;
  trials: FailoverTrial[];
}

/** Enqueues per second during a trial, sent open loop (a steady API, not a client waiting on itself). */
const RATE_PER_SECOND = 100;
/** Enqueues sent at the same moment. */
const CALLERS = 8;
/** Enqueues counted after Redis answered again, for the share that still went to SQS. */
const AFTER_RECOVERY = 100;
const RECOVERY_CAP_MS = 15_000;

// The defaults come from the config schema itself, so this section follows them if they change.
const defaults = loadConfig({
  UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1',
  UPSTASH_REDIS_REST_TOKEN: 'unused',
  TASK_QUEUE_URL: 'http://127.0.0.1:1/q/tasks',
  DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:1/q/dead',
  JOURNAL_QUEUE_URL: 'http://127.0.0.1:1/q/journal',
  TANDEM_API_TOKENS: 'bench-token-0123456789',
  TANDEM_SIGNING_SECRET: 'bench-secret-0123456789',
});

interface Sample {
  startedAt: number;
  latencyMs: number;
  via: Backend | 'error';
}

/**
 * Section 3: Redis stalls (SIGSTOP: its port still accepts, nothing answers), then comes back (SIGCONT),
 * while enqueues keep arriving, eight at a time, through FailoverProducer and the Redis guard at their defaults,
 * with SQS on the fauxqs emulator.
 */
export async function measureFailover(options: BenchOptions): Promise<FailoverResults> {
  const redisServer = await startRedisServer();
  const sqs = await startSqsEmulator();
  const bridge = await startBridgeProcess(redisServer.url).catch(async (error: unknown) => {
    await Promise.allSettled([redisServer.stop(), sqs.stop()]);
    throw error;
  });
  try {
    const queues = await createTandemQueues(sqs, 'bench-failover');
    const trials: FailoverTrial[] = [];
    const outageLatencies: number[] = [];
    for (let trial = 0; trial < options.failoverTrials; trial += 1) {
      const result = await runTrial();
      trials.push(result.trial);
      outageLatencies.push(...result.outageLatencies);
    }
    return {
      firstMs: round(median(trials.map((trial) => trial.firstMs))),
      p50Ms: round(percentile(outageLatencies, 50)),
      p99Ms: round(percentile(outageLatencies, 99)),
      recoveryMs: round(median(trials.map((trial) => trial.recoveryMs)), 0),
      recoveryViaSqsPct: Math.max(...trials.map((trial) => trial.recoveryViaSqsPct)),
      settings: {
        redisTimeoutMs: defaults.redis.timeoutMs,
        sqsTimeoutMs: defaults.sqs.timeoutMs,
        failureThreshold: defaults.breaker.failureThreshold,
        cooldownMs: defaults.breaker.cooldownMs,
      },
      rate: RATE_PER_SECOND,
      outageMs: options.outageMs,
      trials,
    };

    async function runTrial() {
      // A fresh container: new clients, a closed breaker.
      const redis = createRedisClient({
        url: bridge.url,
        token: bridge.token,
        timeoutMs: defaults.redis.timeoutMs,
      });
      const sqsClient = createSqsClient({
        region: defaults.sqs.region,
        timeoutMs: defaults.sqs.timeoutMs,
        endpoint: sqs.endpoint,
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      });
      const fallback = new SqsTaskQueue(sqsClient, queues.taskQueueUrl, {
        timeoutMs: defaults.sqs.timeoutMs,
      });
      const queue = benchQueue(redis, uniqueQueueName('failover'));
      const guard = new RedisGuard({
        ...defaults.breaker,
        timeoutMs: defaults.redis.timeoutMs,
        probe: () => queue.ping(),
      });
      const producer = new FailoverProducer({
        primary: new GuardedTaskQueue(queue, guard),
        fallback,
        fallbackTimeoutMs: defaults.sqs.timeoutMs,
      });
      // Warm both paths, as a container that has served traffic is.
      await fallback.enqueue([benchEnvelope(0)]);
      for (let n = 0; n < 20; n += 1) await producer.enqueue([benchEnvelope(n)]);

      const samples: Sample[] = [];
      const inFlight = new Set<Promise<void>>();
      let sent = 0;
      const send = () => {
        const startedAt = performance.now();
        const work = producer
          .enqueue([benchEnvelope(sent++)])
          .then(
            (result) => result.receipts[0]?.via ?? 'error',
            () => 'error' as const,
          )
          .then((via) => {
            samples.push({ startedAt, latencyMs: performance.now() - startedAt, via });
          });
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      };
      // CALLERS at once, as many containers' worth of requests arriving together.
      const ticker = setInterval(
        () => {
          for (let n = 0; n < CALLERS; n += 1) send();
        },
        (1000 * CALLERS) / RATE_PER_SECOND,
      );
      try {
        await sleep(1_000);
        const pausedAt = performance.now();
        redisServer.pause();
        await sleep(options.outageMs);
        const resumedAt = performance.now();
        redisServer.resume();
        const backOnRedis = await waitFor(
          () => samples.find((sample) => sample.via === 'redis' && sample.startedAt >= resumedAt) ?? null,
          RECOVERY_CAP_MS,
        );
        clearInterval(ticker);
        await Promise.all(inFlight);

        const outage = samples
          .filter((sample) => sample.startedAt >= pausedAt && sample.startedAt < resumedAt)
          .sort((a, b) => a.startedAt - b.startedAt);
        const latencies = outage.map((sample) => sample.latencyMs);
        if (process.env.BENCH_DEBUG)
          console.error(
            outage
              .filter((s) => s.latencyMs > 100)
              .map((s) => `${Math.round(s.startedAt - pausedAt)}:${Math.round(s.latencyMs)}`)
              .join(' '),
          );
        const trial: FailoverTrial = {
          firstMs: round(outage[0]?.latencyMs ?? Number.NaN),
          p50Ms: round(percentile(latencies, 50)),
          p99Ms: round(percentile(latencies, 99)),
          maxMs: round(Math.max(...latencies)),
          recoveryMs: backOnRedis
            ? round(backOnRedis.startedAt + backOnRedis.latencyMs - resumedAt, 0)
            : Number.POSITIVE_INFINITY,
          duringOutage: {
            total: outage.length,
            viaRedis: outage.filter((sample) => sample.via === 'redis').length,
            viaSqs: outage.filter((sample) => sample.via === 'sqs').length,
          },
          errors: samples.filter((sample) => sample.via === 'error').length,
          recoveryViaSqsPct: viaSqsAfter(samples, backOnRedis?.startedAt ?? Number.POSITIVE_INFINITY),
        };
        return { trial, outageLatencies: latencies };
      } finally {
        clearInterval(ticker);
        redisServer.resume();
        await Promise.all(inFlight);
        sqsClient.destroy();
      }
    }
  } finally {
    await bridge.close();
    await Promise.allSettled([redisServer.stop(), sqs.stop()]);
  }
}

function viaSqsAfter(samples: readonly Sample[], since: number): number {
  const after = samples
    .filter((sample) => sample.startedAt >= since)
    .sort((a, b) => a.startedAt - b.startedAt)
    .slice(0, AFTER_RECOVERY);
  if (after.length === 0) return Number.NaN;
  return round((100 * after.filter((sample) => sample.via !== 'redis').length) / after.length, 1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor<T>(probe: () => T | null, timeoutMs: number): Promise<T | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const found = probe();
    if (found !== null) return found;
    await sleep(5);
  }
  return probe();
}
