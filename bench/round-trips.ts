import { createRedisClient } from '../lib/queue/redis/create-redis-client.js';
import type { RedisTaskQueue } from '../lib/queue/redis/redis-task-queue.js';
import type { BenchOptions } from './support/bench-options.js';
import type { BridgeProcess } from './support/bridge-process.js';
import { round } from './support/stats.js';
import {
  benchDrain,
  benchEnvelopes,
  benchQueue,
  DRAIN_DEFAULTS,
  noopRegistry,
  uniqueQueueName,
} from './support/workload.js';

export interface RoundTripResults {
  /** HTTP requests for one single-task enqueue, scripts cached. */
  enqueue: number;
  /** HTTP requests for one enqueue of 100 tasks. */
  enqueueBatch100: number;
  /** HTTP requests per task for a drain of 1,000 no-op tasks, at the default concurrency and batch size. */
  drainPerTask: number;
  /** The very first enqueue against a Redis that has not seen the script: EVALSHA, NOSCRIPT, EVAL. */
  enqueueCold: number;
  drain: { tasks: number; requests: number; batchSize: number; concurrency: number };
}

const DRAIN_TASKS = 1_000;

/**
 * Section 1: round trips counted where they happen, at the bridge. The client is Tandem's own
 * (`createRedisClient`, auto-pipelining off), so one HTTP request is one Redis round trip.
 */
export async function measureRoundTrips(
  bridge: BridgeProcess,
  _options: BenchOptions,
): Promise<RoundTripResults> {
  const redis = createRedisClient({ url: bridge.url, token: bridge.token, timeoutMs: 5_000 });
  const queue = benchQueue(redis, uniqueQueueName('rt'));
  const count = async (work: () => Promise<unknown>) => {
    await bridge.resetStats();
    await work();
    return (await bridge.stats()).requests;
  };

  // The bench's Redis is fresh, so this is the one enqueue that finds no script cached.
  const enqueueCold = await count(() => queue.enqueue(benchEnvelopes(1)));
  await queue.enqueue(benchEnvelopes(1));
  const enqueue = await count(() => queue.enqueue(benchEnvelopes(1)));
  const enqueueBatch100 = await count(() => queue.enqueue(benchEnvelopes(100)));

  const drain = (target: RedisTaskQueue) => benchDrain(target, noopRegistry);
  // Scripts live in Redis, not in the container: a warm Redis has the consumer's scripts cached already.
  await drain(queue);

  // A queue of its own holding exactly the 1,000 tasks to drain.
  const drained = benchQueue(redis, uniqueQueueName('rt-drain'));
  for (let offset = 0; offset < DRAIN_TASKS; offset += 100) {
    await drained.enqueue(benchEnvelopes(100, offset));
  }
  let succeeded = 0;
  const requests = await count(async () => {
    succeeded = (await drain(drained)).succeeded;
  });
  if (succeeded !== DRAIN_TASKS) throw new Error(`drain ran ${succeeded} of ${DRAIN_TASKS} tasks`);

  return {
    enqueue,
    enqueueBatch100,
    drainPerTask: round(requests / DRAIN_TASKS, 3),
    enqueueCold,
    drain: {
      tasks: DRAIN_TASKS,
      requests,
      batchSize: DRAIN_DEFAULTS.batchSize,
      concurrency: DRAIN_DEFAULTS.concurrency,
    },
  };
}
