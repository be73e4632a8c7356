import { createRedisClient } from '../lib/queue/redis/create-redis-client.js';
import type { RedisTaskQueue } from '../lib/queue/redis/redis-task-queue.js';
import type { TaskEnvelope } from '../lib/tasks/task-envelope.js';
import type { BenchOptions } from './support/bench-options.js';
import type { BridgeProcess } from './support/bridge-process.js';
import type { RedisAdmin } from './support/flush.js';
import { ratio, round } from './support/stats.js';
import {
  TENANT_CONCURRENCY,
  TENANT_RATE,
  type TenantVariant,
  tenantEnvelopes,
  tenantRegistry,
} from './support/tenant-workload.js';
import { compareVariants, type Variant } from './support/variants.js';
import { benchDrain, benchQueue, DRAIN_DEFAULTS, uniqueQueueName } from './support/workload.js';

type DrainRun = { tasksPerSec: number; requests: number; throttled: number };

export interface LimitsResults {
  /** Drain tasks/s with a concurrency limit per key ÷ the same drain without limits (medians). */
  claimRatio: number;
  /** Bridge HTTP requests per task of the concurrency-limited drain. */
  roundTripsPerTask: number;
  /** Drain tasks/s with a rate limit per key (a window that never fills) ÷ the same drain without limits. */
  rateRatio: number;
  tasks: number;
  keys: number;
  concurrencyLimit: number;
  rateLimit: { limit: number; periodMs: number };
  batchSize: number;
  concurrency: number;
  variants: Record<string, DrainRun & { runs: number }>;
}

const KEYS = 200;
const ENQUEUE_BATCH = 100;

// Few keys: their slots (5 × 5) are fewer than a claim asks for, so every claim parks and every ack unparks.
const HOT_KEYS = 5;

interface Workload {
  name: string;
  variant: TenantVariant;
  keys: number;
}
const workloads = {
  unlimited: { name: 'drain, no limits', variant: 'unlimited', keys: KEYS },
  concurrency: {
    name: `drain, concurrency ${TENANT_CONCURRENCY} per key`,
    variant: 'concurrency',
    keys: KEYS,
  },
  rate: {
    name: `drain, rate ${TENANT_RATE.limit} per ${TENANT_RATE.periodMs} ms per key`,
    variant: 'rate',
    keys: KEYS,
  },
  hot: {
    name: `drain, concurrency ${TENANT_CONCURRENCY} per key, ${HOT_KEYS} keys`,
    variant: 'concurrency',
    keys: HOT_KEYS,
  },
} satisfies Record<string, Workload>;

/**
 * Section 8: what flow control costs the Redis drain. The same no-op tasks, round-robin over 200 keys,
 * drained through the bridge with and without a limit per key; the handlers return at once, so the
 * difference is the claim and ack scripts' bookkeeping. Requests are counted at the bridge, outside the timing.
 */
export async function measureLimits(
  bridge: BridgeProcess,
  admin: RedisAdmin,
  options: BenchOptions,
): Promise<LimitsResults> {
  const redis = createRedisClient({ url: bridge.url, token: bridge.token, timeoutMs: 5_000 });
  const tasks = options.limitsTasks;
  const variants = Object.values(workloads).map((workload) => drainVariant(bridge, redis, workload, tasks));
  const measured = await compareVariants(variants, options.runs, () => admin.flush());
  const get = (name: keyof typeof workloads) => measured[workloads[name].name] as DrainRun & { runs: number };
  const unlimited = get('unlimited').tasksPerSec;
  return {
    claimRatio: ratio(get('concurrency').tasksPerSec, unlimited),
    roundTripsPerTask: round(get('concurrency').requests / tasks, 3),
    rateRatio: ratio(get('rate').tasksPerSec, unlimited),
    tasks,
    keys: KEYS,
    concurrencyLimit: TENANT_CONCURRENCY,
    rateLimit: TENANT_RATE,
    batchSize: DRAIN_DEFAULTS.batchSize,
    concurrency: DRAIN_DEFAULTS.concurrency,
    variants: measured,
  };
}

function drainVariant(
  bridge: BridgeProcess,
  redis: ReturnType<typeof createRedisClient>,
  { name, variant, keys }: Workload,
  tasks: number,
): Variant<DrainRun> {
  let queue: RedisTaskQueue;
  return {
    name,
    prepare: async () => {
      queue = benchQueue(redis, uniqueQueueName(`limits-${variant}`));
      const envelopes = tenantEnvelopes(variant, tasks, keys);
      for (let offset = 0; offset < tasks; offset += ENQUEUE_BATCH) {
        await queue.enqueue(envelopes.slice(offset, offset + ENQUEUE_BATCH) as TaskEnvelope[]);
      }
      await bridge.resetStats();
    },
    run: async () => {
      const startedAt = performance.now();
      const summary = await benchDrain(queue, tenantRegistry);
      const elapsedMs = performance.now() - startedAt;
      const { requests } = await bridge.stats();
      if (summary.succeeded !== tasks) throw new Error(`${name} ran ${summary.succeeded} of ${tasks}`);
      return {
        tasksPerSec: round((tasks / elapsedMs) * 1000, 0),
        requests,
        throttled: summary.throttled,
      };
    },
  };
}
