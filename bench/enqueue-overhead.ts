import type { Redis } from '@upstash/redis';
import { createRedisClient } from '../lib/queue/redis/create-redis-client.js';
import type { RedisTaskQueue } from '../lib/queue/redis/redis-task-queue.js';
import type { TaskEnvelope } from '../lib/tasks/task-envelope.js';
import type { BenchOptions } from './support/bench-options.js';
import type { BridgeProcess } from './support/bridge-process.js';
import type { RedisAdmin } from './support/flush.js';
import { closedLoop, type LoadResult, ratio, round } from './support/stats.js';
import { compareVariants, type Variant } from './support/variants.js';
import { benchEnvelopes, benchQueue, uniqueQueueName, upstashClient } from './support/workload.js';

export interface EnqueueOverheadResults {
  /** Tandem as shipped (auto-pipelining off) ÷ bare SET with the same client settings, ops/s. */
  ratio: number;
  /** Tandem as shipped ÷ bare SET with the Upstash client's defaults (auto-pipelining on). */
  ratioVsDefaultClient: number;
  /** Both with auto-pipelining on. */
  ratioBothPipelined: number;
  concurrency: number;
  payloadBytes: number;
  tandem: LoadResult;
  baseline: LoadResult;
  /** Every variant at the headline concurrency. */
  variants: Record<string, LoadResult>;
  /** Redis's CPU per command (µs) over the headline runs: what each write costs the server itself. */
  redisUsPerCall: { set: number; evalsha: number };
  /** CPU per operation (µs) in each process, one extra run of each variant; the client figure includes the loop. */
  cpuPerOperation: Record<string, { clientUs: number; bridgeUs: number; redisUs: number }>;
  /** Tandem ÷ baseline (both auto-pipelining off) at other concurrencies. */
  concurrencyLevers: Record<string, { tandem: LoadResult; baseline: LoadResult; ratio: number }>;
}

/**
 * Section 2: what Tandem's enqueue costs over the cheapest possible write of the same bytes through the
 * same bridge: `SET key <envelope JSON>` from a bare `@upstash/redis` client, same concurrency, closed loop.
 */
export async function measureEnqueueOverhead(
  bridge: BridgeProcess,
  admin: RedisAdmin,
  options: BenchOptions,
): Promise<EnqueueOverheadResults> {
  const { url, token } = bridge;
  const clients = {
    plain: upstashClient({ url, token, autoPipelining: false }),
    pipelined: upstashClient({ url, token, autoPipelining: true }),
  };
  const tandemClients = {
    // Exactly what production builds; the timeout only needs to stay out of the way of a loaded machine.
    shipped: createRedisClient({ url, token, timeoutMs: 2_000 }),
    pipelined: upstashClient({ url, token, autoPipelining: true }),
  };
  const payloadBytes = JSON.stringify(benchEnvelopes(1)[0]).length;
  // Load the script with the shipped client first: auto-pipelined replies hide NOSCRIPT from the fallback
  // to EVAL (the error text gains a "Command failed: " prefix), see BENCHMARKS.md.
  await benchQueue(tandemClients.shipped, uniqueQueueName('enq-warm')).enqueue(benchEnvelopes(1));

  const names = {
    baseline: 'baseline SET, auto-pipelining off',
    tandem: 'tandem enqueue, auto-pipelining off (shipped)',
    baselinePipelined: 'baseline SET, auto-pipelining on (client default)',
    tandemPipelined: 'tandem enqueue, auto-pipelining on',
  } as const;
  const variantsAt = (concurrency: number, count: number, which: 'all' | 'plain') => {
    const setVariant = (name: string, redis: Redis): Variant => {
      let values: string[] = [];
      return {
        name,
        prepare: () => {
          values = benchEnvelopes(count).map((envelope) => JSON.stringify(envelope));
        },
        run: () => closedLoop(count, concurrency, (i) => redis.set(`bench:set:${i}`, values[i] as string)),
      };
    };
    const tandemVariant = (name: string, redis: Redis): Variant => {
      let envelopes: TaskEnvelope[] = [];
      let queue: RedisTaskQueue;
      return {
        name,
        prepare: () => {
          envelopes = benchEnvelopes(count);
          queue = benchQueue(redis, uniqueQueueName('enq'));
        },
        run: () => closedLoop(count, concurrency, (i) => queue.enqueue([envelopes[i] as TaskEnvelope])),
      };
    };
    const variants = [
      setVariant(names.baseline, clients.plain),
      tandemVariant(names.tandem, tandemClients.shipped),
    ];
    if (which === 'all') {
      variants.push(
        setVariant(names.baselinePipelined, clients.pipelined),
        tandemVariant(names.tandemPipelined, tandemClients.pipelined),
      );
    }
    return variants;
  };

  const flush = () => admin.flush();
  const concurrency = options.enqueueConcurrency;
  await admin.resetCommandStats();
  const headline = variantsAt(concurrency, options.enqueueOps, 'all');
  const main = await compareVariants(headline, options.runs, flush);
  const costs = await admin.commandCostUs();
  const redisUsPerCall = { set: costs.set ?? 0, evalsha: costs.evalsha ?? 0 };
  const pick = (name: string): LoadResult => {
    const found = main[name];
    if (!found) throw new Error(`no variant ${name}`);
    const { runs: _runs, ...result } = found;
    return result;
  };
  const baseline = pick(names.baseline);
  const tandem = pick(names.tandem);
  const baselinePipelined = pick(names.baselinePipelined);
  const tandemPipelined = pick(names.tandemPipelined);

  // One more run of each, timed by CPU instead of the clock: which process pays for an operation.
  const cpuPerOperation: EnqueueOverheadResults['cpuPerOperation'] = {};
  for (const variant of headline) {
    await flush();
    await variant.prepare?.();
    const before = {
      client: process.cpuUsage(),
      bridge: await bridge.cpuMicros(),
      redis: await admin.cpuMicros(),
    };
    await variant.run();
    const client = process.cpuUsage(before.client);
    const perOp = (micros: number) => round(micros / options.enqueueOps, 1);
    cpuPerOperation[variant.name] = {
      clientUs: perOp(client.user + client.system),
      bridgeUs: perOp((await bridge.cpuMicros()) - before.bridge),
      redisUs: perOp((await admin.cpuMicros()) - before.redis),
    };
  }

  const levers: EnqueueOverheadResults['concurrencyLevers'] = {};
  for (const c of options.concurrencyLevers) {
    // Low concurrency is latency-bound: fewer operations keep the run short without losing precision.
    const count = Math.max(500, Math.round((options.enqueueOps * Math.min(c, 16)) / 16 / 2));
    const measured = await compareVariants(variantsAt(c, count, 'plain'), Math.min(options.runs, 3), flush);
    const strip = (name: string): LoadResult => {
      const { runs: _runs, ...rest } = measured[name] as LoadResult & { runs: number };
      return rest;
    };
    const b = strip(names.baseline);
    const t = strip(names.tandem);
    levers[`c${c}`] = { baseline: b, tandem: t, ratio: ratio(t.opsPerSec, b.opsPerSec) };
  }

  return {
    ratio: ratio(tandem.opsPerSec, baseline.opsPerSec),
    ratioVsDefaultClient: ratio(tandem.opsPerSec, baselinePipelined.opsPerSec),
    ratioBothPipelined: ratio(tandemPipelined.opsPerSec, baselinePipelined.opsPerSec),
    concurrency,
    payloadBytes,
    redisUsPerCall,
    cpuPerOperation,
    tandem,
    baseline,
    variants: Object.fromEntries(
      Object.entries(main).map(([name, { runs: _runs, ...rest }]) => [name, rest]),
    ),
    concurrencyLevers: levers,
  };
}
