import { type Job, Queue, Worker } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { silentLogger } from '../lib/observability/logger.js';
import { ioredisTransport } from '../lib/queue/redis/ioredis-transport.js';
import type { RedisTaskQueue } from '../lib/queue/redis/redis-task-queue.js';
import { drainQueue } from '../lib/runner/drain-queue.js';
import type { TaskEnvelope } from '../lib/tasks/task-envelope.js';
import type { BenchOptions } from './support/bench-options.js';
import type { RedisAdmin } from './support/flush.js';
import { closedLoop, ratio, round } from './support/stats.js';
import { compareVariants, type Variant } from './support/variants.js';
import {
  benchEnvelopes,
  benchPayload,
  benchQueue,
  noopRegistry,
  uniqueQueueName,
} from './support/workload.js';

type Rate = { tasksPerSec: number };

export interface BullmqResults {
  /** Tandem ÷ BullMQ, tasks/s: `enqueue(batch of 100)` vs `Queue.addBulk`, and `enqueue([one])` vs `Queue.add`. */
  enqueueRatio: { batch: number; single: number };
  /** Tandem `drainQueue` vs a BullMQ `Worker`, no-op handler, same concurrency, tasks/s. */
  processRatio: number;
  tasks: number;
  batchSize: number;
  concurrency: { batchEnqueue: number; singleEnqueue: number; process: number };
  variants: Record<string, Rate>;
  levers: Record<string, { tandem: Rate; bullmq: Rate; ratio: number }>;
}

const BATCH = 100;
const BATCH_CONCURRENCY = 4;
const TANDEM_CLAIM_BATCH = 50; // CLAIM_BATCH_SIZE default

interface Setup {
  tandemRedis: IORedis;
  /** Extra connections made by variants, closed at the end. */
  extra: IORedis[];
  connection: { host: string; port: number };
  tasks: number;
}

/**
 * Section 4: Tandem over its TCP transport (ioredis) against BullMQ on the same redis-server, same payloads,
 * same concurrency, Redis flushed before every run, one warm-up per variant, medians of interleaved runs.
 */
export async function measureBullmq(
  redisUrl: string,
  admin: RedisAdmin,
  options: BenchOptions,
): Promise<BullmqResults> {
  const { hostname, port } = new URL(redisUrl);
  // As ioredisTransport asks: fail fast while disconnected, the failover path is the retry.
  const tandemRedis = new IORedis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
  await tandemRedis.connect();
  const setup: Setup = {
    tandemRedis,
    extra: [],
    connection: { host: hostname, port: Number(port) },
    tasks: options.bullmqTasks,
  };
  const flush = () => admin.flush();
  try {
    const c = options.enqueueConcurrency;
    const p = options.processConcurrency;
    const enqueue = await compareVariants(
      [
        tandemEnqueue(setup, 'tandem enqueue batch', BATCH, BATCH_CONCURRENCY),
        bullEnqueue(setup, 'bullmq addBulk', BATCH, BATCH_CONCURRENCY),
        tandemEnqueue(setup, 'tandem enqueue single', 1, c),
        bullEnqueue(setup, 'bullmq add', 1, c),
      ],
      options.runs,
      flush,
    );
    const processing = await compareVariants(
      [
        tandemProcess(setup, 'tandem drainQueue', p, TANDEM_CLAIM_BATCH),
        bullProcess(setup, 'bullmq Worker', p, {}),
      ],
      options.runs,
      flush,
    );
    const leverRuns = Math.min(3, options.runs);
    const rate = (r: Rate & { runs: number }): Rate => ({ tasksPerSec: r.tasksPerSec });
    const lever = async (tandem: Variant<Rate>, bull: Variant<Rate>) => {
      const measured = await compareVariants([tandem, bull], leverRuns, flush);
      const t = rate(measured[tandem.name] as Rate & { runs: number });
      const b = rate(measured[bull.name] as Rate & { runs: number });
      return { tandem: t, bullmq: b, ratio: ratio(t.tasksPerSec, b.tasksPerSec) };
    };
    const levers: BullmqResults['levers'] = {
      'process: tandem claim batch 100': await lever(
        tandemProcess(setup, 'tandem drainQueue batch 100', p, 100),
        bullProcess(setup, 'bullmq Worker', p, {}),
      ),
      'process: bullmq removeOnComplete': await lever(
        tandemProcess(setup, 'tandem drainQueue', p, TANDEM_CLAIM_BATCH),
        bullProcess(setup, 'bullmq Worker, removeOnComplete', p, { removeOnComplete: true }),
      ),
      'process: concurrency 50': await lever(
        tandemProcess(setup, 'tandem drainQueue c50', 50, TANDEM_CLAIM_BATCH),
        bullProcess(setup, 'bullmq Worker c50', 50, {}),
      ),
      'single enqueue: ioredis auto-pipelining on both': await lever(
        tandemEnqueue(setup, 'tandem enqueue single, auto-pipelined', 1, c, true),
        bullEnqueue(setup, 'bullmq add, auto-pipelined', 1, c, true),
      ),
    };
    const get = (record: Record<string, Rate & { runs: number }>, name: string) =>
      (record[name] as Rate).tasksPerSec;
    return {
      enqueueRatio: {
        batch: ratio(get(enqueue, 'tandem enqueue batch'), get(enqueue, 'bullmq addBulk')),
        single: ratio(get(enqueue, 'tandem enqueue single'), get(enqueue, 'bullmq add')),
      },
      processRatio: ratio(get(processing, 'tandem drainQueue'), get(processing, 'bullmq Worker')),
      tasks: options.bullmqTasks,
      batchSize: BATCH,
      concurrency: { batchEnqueue: BATCH_CONCURRENCY, singleEnqueue: c, process: p },
      variants: Object.fromEntries(
        Object.entries({ ...enqueue, ...processing }).map(([name, value]) => [name, rate(value)]),
      ),
      levers,
    };
  } finally {
    for (const redis of [tandemRedis, ...setup.extra]) redis.disconnect();
  }
}

function perSecond(tasks: number, startedAt: number): Rate {
  return { tasksPerSec: round((tasks / (performance.now() - startedAt)) * 1000, 0) };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function tandemEnqueue(
  setup: Setup,
  name: string,
  batch: number,
  concurrency: number,
  pipelined = false,
): Variant<Rate> {
  let groups: TaskEnvelope[][] = [];
  let queue: RedisTaskQueue;
  let redis = setup.tandemRedis;
  return {
    name,
    prepare: async () => {
      if (pipelined && redis === setup.tandemRedis) {
        redis = setup.tandemRedis.duplicate({ enableAutoPipelining: true });
        setup.extra.push(redis);
        await redis.connect();
      }
      groups = chunks(benchEnvelopes(setup.tasks), batch);
      queue = benchQueue(ioredisTransport(redis), uniqueQueueName('vs-bull'));
    },
    run: async () => {
      const startedAt = performance.now();
      await closedLoop(groups.length, concurrency, (i) => queue.enqueue(groups[i] as TaskEnvelope[]));
      return perSecond(setup.tasks, startedAt);
    },
  };
}

function bullEnqueue(
  setup: Setup,
  name: string,
  batch: number,
  concurrency: number,
  pipelined = false,
): Variant<Rate> {
  let groups: { name: string; data: ReturnType<typeof benchPayload> }[][] = [];
  let queue: Queue | undefined;
  return {
    name,
    prepare: async () => {
      await queue?.close();
      queue = new Queue(uniqueQueueName('bull'), {
        connection: { ...setup.connection, ...(pipelined ? { enableAutoPipelining: true } : {}) },
      });
      await queue.waitUntilReady();
      groups = chunks(
        Array.from({ length: setup.tasks }, (_, n) => ({ name: 'noop', data: benchPayload(n) })),
        batch,
      );
    },
    run: async () => {
      const target = queue as Queue;
      const startedAt = performance.now();
      await closedLoop(groups.length, concurrency, (i) => {
        const group = groups[i] as { name: string; data: ReturnType<typeof benchPayload> }[];
        if (batch === 1) {
          const [job] = group as [(typeof group)[number]];
          return target.add(job.name, job.data);
        }
        return target.addBulk(group);
      });
      const result = perSecond(setup.tasks, startedAt);
      await target.close();
      queue = undefined;
      return result;
    },
  };
}

function tandemProcess(setup: Setup, name: string, concurrency: number, batchSize: number): Variant<Rate> {
  let queue: RedisTaskQueue;
  return {
    name,
    prepare: async () => {
      queue = benchQueue(ioredisTransport(setup.tandemRedis), uniqueQueueName('drain'));
      for (const group of chunks(benchEnvelopes(setup.tasks), BATCH)) await queue.enqueue(group);
    },
    run: async () => {
      const startedAt = performance.now();
      const summary = await drainQueue({
        queue,
        registry: noopRegistry,
        logger: silentLogger,
        consumerId: 'bench-consumer',
        concurrency,
        batchSize,
        leaseMs: 30_000,
        remainingTimeMs: () => 900_000,
      });
      const result = perSecond(setup.tasks, startedAt);
      if (summary.succeeded !== setup.tasks) {
        throw new Error(`tandem drained ${summary.succeeded} of ${setup.tasks} tasks`);
      }
      return result;
    },
  };
}

function bullProcess(
  setup: Setup,
  name: string,
  concurrency: number,
  jobOptions: { removeOnComplete?: boolean },
): Variant<Rate> {
  let worker: Worker | undefined;
  let queueName = '';
  return {
    name,
    prepare: async () => {
      queueName = uniqueQueueName('bull-drain');
      const queue = new Queue(queueName, { connection: setup.connection });
      const jobs = Array.from({ length: setup.tasks }, (_, n) => ({
        name: 'noop',
        data: benchPayload(n),
        opts: jobOptions,
      }));
      for (const group of chunks(jobs, BATCH)) await queue.addBulk(group);
      await queue.close();
      worker = new Worker(queueName, async (_job: Job) => undefined, {
        // BullMQ's own requirement for workers: commands wait out reconnects instead of failing.
        connection: { ...setup.connection, maxRetriesPerRequest: null },
        concurrency,
        autorun: false,
      });
      await worker.waitUntilReady();
    },
    run: async () => {
      const target = worker as Worker;
      let completed = 0;
      let failed = 0;
      const done = new Promise<void>((resolve) => {
        const settle = () => {
          if (completed + failed === setup.tasks) resolve();
        };
        target.on('completed', () => {
          completed += 1;
          settle();
        });
        target.on('failed', () => {
          failed += 1;
          settle();
        });
      });
      const startedAt = performance.now();
      const running = target.run();
      await done;
      const result = perSecond(setup.tasks, startedAt);
      await target.close();
      await running;
      worker = undefined;
      if (failed > 0) throw new Error(`bullmq failed ${failed} of ${setup.tasks} jobs`);
      return result;
    },
  };
}
