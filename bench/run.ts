/**
 * `npm run bench` (full) or `npm run bench -- --quick` (CI size): every section in one process tree, a
 * table on stdout, everything measured in .bench/results.json (git-ignored, so a run leaves the work tree
 * clean; BENCHMARKS.md keeps the tables). A missed goal is reported; a crash fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../test/support/redis-server.js';
import { measureBullmq } from './bullmq.js';
import { measureColdStart } from './cold-start.js';
import { measureCost } from './cost.js';
import { measureEnqueueOverhead } from './enqueue-overhead.js';
import { measureFailover } from './failover.js';
import { measureLimits } from './limits.js';
import { measureRoundTrips } from './round-trips.js';
import { benchOptions } from './support/bench-options.js';
import { startBridgeProcess } from './support/bridge-process.js';
import { redisAdmin } from './support/flush.js';
import { atLeast, atMost, type Goal, table } from './support/report.js';
import { ratio } from './support/stats.js';
import { measureTimers } from './timers.js';

const RESULTS_DIR = fileURLToPath(new URL('../.bench/', import.meta.url));
const RESULTS = `${RESULTS_DIR}results.json`;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function packageVersion(name: string): string {
  const path = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function redisServerVersion(): string {
  const out = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
  return /v=([\d.]+)/.exec(out)?.[1] ?? out.trim();
}

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2));
  const started = Date.now();
  // Other work on the machine shows here: a 1-minute load above the core count means shared CPUs.
  const loadAtStart = loadavg()[0] ?? 0;
  log(`${options.quick ? 'quick' : 'full'} run on ${availableParallelism()} cores, node ${process.version}`);

  // Sections 1, 2, 4 and 8 share one redis-server; 3 gets its own (it is stalled on purpose).
  const redis = await startRedisServer();
  let roundTrips: Awaited<ReturnType<typeof measureRoundTrips>>;
  let enqueue: Awaited<ReturnType<typeof measureEnqueueOverhead>>;
  let limits: Awaited<ReturnType<typeof measureLimits>>;
  let bullmq: Awaited<ReturnType<typeof measureBullmq>>;
  try {
    const admin = await redisAdmin(redis.url);
    try {
      const bridge = await startBridgeProcess(redis.url);
      try {
        log('1/8 round trips at the bridge');
        roundTrips = await measureRoundTrips(bridge, options);
        log('2/8 enqueue overhead vs a bare SET');
        enqueue = await measureEnqueueOverhead(bridge, admin, options);
        log('3/8 flow control: drains with and without limits per key');
        limits = await measureLimits(bridge, admin, options);
      } finally {
        await bridge.close();
      }
      log('4/8 Tandem vs BullMQ over TCP');
      bullmq = await measureBullmq(redis.url, admin, options);
    } finally {
      await admin.close();
    }
  } finally {
    await redis.stop();
  }
  log('5/8 failover (Redis stalled with SIGSTOP)');
  const failover = await measureFailover(options);
  log('6/8 cold start');
  const coldStart = await measureColdStart(options);
  log('7/8 cost per task (Tandem and BullMQ, the same workload)');
  const cost = await measureCost(options);
  const usd = cost.dollarsPerMillionTasks;
  const tandemUsd = usd['tandem (Upstash counts a script as one command)'] ?? 0;
  const tandemUsdEvery = usd['tandem (Upstash counts every command a script runs)'] ?? 0;
  log('8/8 timers: wake-ups with nothing awake');
  const timers = await measureTimers(options);

  const goals: Goal[] = [
    atMost('roundTrips.enqueue', roundTrips.enqueue, 1),
    atMost('roundTrips.enqueueBatch100', roundTrips.enqueueBatch100, 1),
    atMost('roundTrips.drainPerTask', roundTrips.drainPerTask, 0.2),
    atLeast('enqueue.ratio', enqueue.ratio, 0.8),
    atLeast('limits.claimRatio', limits.claimRatio, 0.8),
    atMost('limits.roundTripsPerTask', limits.roundTripsPerTask, 0.2),
    atMost('failover.firstMs', failover.firstMs, 250),
    atMost('failover.p99Ms', failover.p99Ms, 250),
    atMost('failover.recoveryMs', failover.recoveryMs, 5000),
    atMost('failover.recoveryViaSqsPct', failover.recoveryViaSqsPct, 1),
    atLeast('bullmq.enqueueRatio.batch', bullmq.enqueueRatio.batch, 1),
    atLeast('bullmq.enqueueRatio.single', bullmq.enqueueRatio.single, 1),
    atLeast('bullmq.processRatio', bullmq.processRatio, 1),
    atMost('timers.delayLateP99Ms.redis', timers.delayLateP99Ms.redis, 1000),
    atMost('timers.delayLateP99Ms.sqs', timers.delayLateP99Ms.sqs, 1000),
    atMost('timers.retryLateP99Ms', timers.retryLateP99Ms, 1000),
    atMost('timers.reapLateMs', timers.reapLateMs, 5000),
    atMost('timers.sqsRequestsPerDelayedTask', timers.sqsRequestsPerDelayedTask, 0.1),
    ...Object.entries(coldStart.functions).flatMap(([name, bundle]) => [
      atMost(`bundles.${name}.bytesRatio`, bundle.bytesRatio, 1.5),
      atMost(`bundles.${name}.initRatio`, bundle.initRatio, 1.5),
    ]),
    // Cheaper per task, at list prices, under either reading of how Upstash counts a script.
    atMost('cost.vsBullmq', ratio(tandemUsd, usd['bullmq on Upstash (a script as one command)'] ?? 0), 1),
    atMost(
      'cost.vsBullmq.everyCommand',
      ratio(tandemUsdEvery, usd['bullmq on Upstash (every command a script runs)'] ?? 0),
      1,
    ),
    atMost(
      'cost.vsQstash',
      ratio(tandemUsd, usd['qstash (messages and the Lambda invocations they make)'] ?? 0),
      1,
    ),
    atMost(
      'cost.vsQstash.everyCommand',
      ratio(tandemUsdEvery, usd['qstash (messages and the Lambda invocations they make)'] ?? 0),
      1,
    ),
  ];
  const bundles = Object.fromEntries(Object.entries(coldStart.functions));
  const results = {
    meta: {
      date: new Date().toISOString(),
      mode: options.quick ? 'quick' : 'full',
      durationSeconds: Math.round((Date.now() - started) / 1000),
      nproc: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadAverage1m: {
        start: Math.round(loadAtStart * 100) / 100,
        end: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      },
      node: process.version,
      redisServer: redisServerVersion(),
      packages: Object.fromEntries(
        ['@upstash/redis', 'ioredis', 'bullmq', '@aws-sdk/client-sqs', 'fauxqs', 'esbuild', 'zod'].map(
          (name) => [name, packageVersion(name)],
        ),
      ),
      options,
    },
    roundTrips,
    enqueue,
    limits,
    failover,
    timers,
    bullmq,
    bundles,
    bundleBaseline: coldStart.baseline,
    coldStart: { runs: coldStart.runs, build: coldStart.build, components: coldStart.components },
    cost,
    goals,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

  const goalRows = goals.map((goal) => [goal.metric, goal.value, goal.goal, goal.met ? 'met' : 'MISSED']);
  const { baseline } = coldStart;
  const bundleRows = [
    ['baseline (client-sqs only)', baseline.bytes, 1, baseline.initMs, 1, baseline.firstInvokeMs, 1],
    ...Object.entries(bundles).flatMap(([name, bundle]) => [
      [
        name,
        bundle.bytes,
        bundle.bytesRatio,
        bundle.initMs,
        bundle.initRatio,
        bundle.firstInvokeMs,
        bundle.firstInvokeRatio,
      ],
    ]),
    ...Object.entries(coldStart.components).map(([name, bundle]) => [
      `(component) ${name}`,
      bundle.bytes,
      bundle.bytesRatio,
      bundle.initMs,
      bundle.initRatio,
      '',
      '',
    ]),
  ];
  const detailRows = [
    [
      'enqueue: tandem ops/s (p50 / p99 ms)',
      `${enqueue.tandem.opsPerSec} (${enqueue.tandem.p50Ms} / ${enqueue.tandem.p99Ms})`,
    ],
    [
      'enqueue: bare SET ops/s (p50 / p99 ms)',
      `${enqueue.baseline.opsPerSec} (${enqueue.baseline.p50Ms} / ${enqueue.baseline.p99Ms})`,
    ],
    ['enqueue: ratio vs SET with auto-pipelining (client default)', enqueue.ratioVsDefaultClient],
    ['enqueue: ratio, both auto-pipelined', enqueue.ratioBothPipelined],
    ...Object.entries(limits.variants).map(([name, run]) => [
      `limits: ${name}, tasks/s (requests, parked)`,
      `${run.tasksPerSec} (${run.requests}, ${run.throttled})`,
    ]),
    ['limits: rate-limited drain ÷ unlimited', limits.rateRatio],
    ['failover: p50 ms during outage', failover.p50Ms],
    ...Object.entries(bullmq.variants).map(([name, rate]) => [
      `bullmq section: ${name} tasks/s`,
      rate.tasksPerSec,
    ]),
    ...Object.entries(cost.tandem.perTask).map(([name, value]) => [`cost: tandem ${name} per task`, value]),
    ...Object.entries(cost.tandem.commandsPerTaskByScript).map(([name, value]) => [
      `cost: tandem commands per task inside ${name}`,
      value,
    ]),
    ...Object.entries(cost.bullmq.perJob).map(([name, value]) => [`cost: bullmq ${name} per job`, value]),
    ...Object.entries(cost.dollarsPerMillionTasks).map(([name, value]) => [
      `cost: $ per million tasks, ${name}`,
      value,
    ]),
    ...Object.entries(cost.idleDollarsPerMonth).map(([name, value]) => [
      `cost: $ per idle month, ${name}`,
      value,
    ]),
  ];
  process.stdout.write(
    `\nTandem benchmarks (${results.meta.mode}, ${results.meta.nproc} cores, node ${process.version}, ` +
      `${results.meta.durationSeconds} s, load ${results.meta.loadAverage1m.start} → ${results.meta.loadAverage1m.end})\n\n${table(['metric', 'value', 'goal', 'status'], goalRows)}\n\n` +
      `${table(['details', 'value'], detailRows)}\n\n` +
      `${table(['bundle', 'bytes', 'bytesRatio', 'initMs', 'initRatio', 'firstInvokeMs', 'firstInvokeRatio'], bundleRows)}\n\nwrote .bench/results.json\n`,
  );
}

// Ctrl-C or a CI timeout: exit through process.exit so the redis-server exit hooks still run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  // Clients that keep sockets or timers alive must not turn a finished run into a hung CI job.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
