import { Redis as IORedis } from 'ioredis';
import { scripts } from '../lib/queue/redis/scripts/index.js';
import { ensureTandemQueues } from '../local/ensure-tandem-queues.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { runBullmqWorkload } from './cost/bullmq-workload.js';
import { ListPrices, perMillion } from './cost/list-prices.js';
import { type CostWorkload, type Invocations, runTandemWorkload } from './cost/tandem-workload.js';
import type { BenchOptions } from './support/bench-options.js';
import { startBridgeProcess } from './support/bridge-process.js';
import { startCountingSqs } from './support/counting-sqs.js';
import { deploymentEnv } from './support/deployment-env.js';
import { round } from './support/stats.js';

/** What Redis executed, from INFO commandstats: scripts, the commands they ran, and the rest. */
export interface RedisCounts {
  /** EVALSHA and EVAL calls. */
  scripts: number;
  /** Commands run inside those scripts (MONITOR marks them `lua`). */
  inScripts: number;
  /** Commands sent on their own (not scripts). */
  plain: number;
  byCommand: Record<string, number>;
  /** Tandem's scripts by name: calls, and the commands they ran (others' scripts by SHA1). */
  byScript: Record<string, { calls: number; commands: number }>;
}

export interface CostResults {
  workload: CostWorkload;
  tandem: {
    perTask: {
      /** HTTP requests at the REST bridge: what an Upstash REST client sends. */
      redisRequests: number;
      redisScripts: number;
      redisCommandsInScripts: number;
      redisPlainCommands: number;
      /** SQS API requests Tandem made (sends, visibility changes, journal, depths). */
      sqsRequests: number;
      /** SQS requests of the event source emulation (receive, delete); Lambda's own poller differs. */
      eventSourceSqsRequests: number;
      lambdaInvocations: number;
    };
    /** Commands run inside each script, per task, largest first: where the per-command bill comes from. */
    commandsPerTaskByScript: Record<string, number>;
    attempts: number;
    invocations: Invocations;
    redis: RedisCounts;
    sqsByAction: Record<string, number>;
    bridgeRequests: number;
  };
  /** Reconcile passes over empty queues, scaled to 60: the cost of an idle hour (nothing else runs). */
  tandemIdlePerHour: {
    redisRequests: number;
    redisScripts: number;
    redisCommands: number;
    sqsRequests: number;
    lambdaInvocations: number;
  };
  bullmq: {
    perJob: { redisScripts: number; redisCommandsInScripts: number; redisPlainCommands: number };
    redis: RedisCounts;
    /** Commands while one Worker waits on an empty queue, scaled to an hour. */
    idlePerHour: { redisCommands: number; measuredSeconds: number };
  };
  /** USD per million tasks at list prices (see bench/cost/list-prices.ts and BENCHMARKS.md). */
  dollarsPerMillionTasks: Record<string, number>;
  /** USD per 30-day month with no traffic at all. */
  idleDollarsPerMonth: Record<string, number>;
}

// Connection set-up and the bench's own reads, not the workload's.
const ADMIN_COMMANDS = new Set([
  'info',
  'config',
  'client',
  'hello',
  'select',
  'flushall',
  'auth',
  'monitor',
]);
const SCRIPT_COMMANDS = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall']);

/**
 * Counts what Redis executes, through MONITOR: it shows every command a client sent and, marked `lua`,
 * every command a script ran, which INFO commandstats (one total per command) cannot tell apart.
 */
export async function monitorRedis(url: string) {
  const client = new IORedis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  const monitor = await client.monitor();
  const sent = new Map<string, number>();
  const inScripts = new Map<string, number>();
  const byScript = new Map<string, { calls: number; commands: number }>();
  // MONITOR shows a script's call before the commands it runs, and a script runs alone: each `lua` line
  // belongs to the last script called.
  let running: { calls: number; commands: number } | undefined;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const name = String(args[0] ?? '').toLowerCase();
    if (ADMIN_COMMANDS.has(name)) return;
    const counts = source === 'lua' ? inScripts : sent;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (source === 'lua' && running) running.commands += 1;
    if (source !== 'lua' && SCRIPT_COMMANDS.has(name)) {
      const script = scriptName(name, String(args[1] ?? ''));
      running = byScript.get(script) ?? { calls: 0, commands: 0 };
      running.calls += 1;
      byScript.set(script, running);
    }
  });
  return {
    /** Counts since the start or the last reset. MONITOR lags a little: call after a short pause. */
    counts(): RedisCounts {
      const sum = (counts: Map<string, number>, keep: (name: string) => boolean) =>
        [...counts].filter(([name]) => keep(name)).reduce((total, [, calls]) => total + calls, 0);
      const byCommand: Record<string, number> = {};
      for (const [name, calls] of sent) byCommand[name] = calls;
      for (const [name, calls] of inScripts) byCommand[`${name} (in scripts)`] = calls;
      return {
        scripts: sum(sent, (name) => SCRIPT_COMMANDS.has(name)),
        inScripts: sum(inScripts, () => true),
        plain: sum(sent, (name) => !SCRIPT_COMMANDS.has(name)),
        byCommand,
        byScript: Object.fromEntries([...byScript].map(([name, counts]) => [name, { ...counts }])),
      };
    },
    reset(): void {
      sent.clear();
      inScripts.clear();
      byScript.clear();
      running = undefined;
    },
    async close(): Promise<void> {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

const SCRIPT_NAMES = new Map(
  Object.values(scripts).flatMap((script) => [
    [script.sha, script.name],
    [monitorRepr(script.source), script.name],
  ]),
);

/** Which script an EVALSHA (by its SHA1) or an EVAL (by its source, as MONITOR prints it) ran. */
function scriptName(command: string, shaOrSource: string): string {
  return SCRIPT_NAMES.get(shaOrSource) ?? (command.startsWith('evalsha') ? shaOrSource : 'eval (not Tandem)');
}

/** A string as MONITOR prints an argument (Redis's sdscatrepr, without the quotes): bytes, escaped. */
function monitorRepr(text: string): string {
  const named: Record<number, string> = {
    92: '\\\\',
    34: '\\"',
    10: '\\n',
    13: '\\r',
    9: '\\t',
    7: '\\a',
    8: '\\b',
  };
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out +=
      named[byte] ??
      (byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`);
  }
  return out;
}

const per = (count: number, tasks: number) => round(count / tasks, 3);
const sumOf = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
/** Reconciler passes over idle queues measured for the idle hour (one a minute in production). */
const IDLE_PASSES = 5;
/** Long polls an SQS event source mapping makes per idle hour: 5 pollers, one 20 s poll each at a time. */
const ESM_IDLE_POLLS_PER_HOUR = 5 * (3600 / 20);

/**
 * Section 6: what a task costs. One workload (one by one and in batches, some tasks failing once, Redis
 * stalled in the middle) run on Tandem through the REST bridge and fauxqs, counting Redis HTTP requests,
 * the commands Redis executed (scripts and the commands inside them apart), SQS requests and Lambda
 * invocations; the same workload on BullMQ against the same Redis; and each one's idle hour.
 */
export async function measureCost(options: BenchOptions): Promise<CostResults> {
  const workload: CostWorkload = {
    tasks: options.costTasks,
    batchSize: 50,
    batchedShare: 0.5,
    failOnceShare: 0.1,
    outageShare: 0.2,
  };
  const redis = await startRedisServer();
  const sqs = await startCountingSqs();
  const monitor = await monitorRedis(redis.url);
  try {
    const bridge = await startBridgeProcess(redis.url);
    let tandem: CostResults['tandem'];
    let tandemIdlePerHour: CostResults['tandemIdlePerHour'];
    try {
      const queues = await ensureTandemQueues(sqs.client, { prefix: 'bench-cost' });
      const env = deploymentEnv({
        redis: bridge,
        sqsEndpoint: sqs.endpoint,
        queues,
        queueName: 'bench-cost',
      });
      sqs.reset();
      monitor.reset();
      await bridge.resetStats();
      const run = await runTandemWorkload(env, sqs.endpoint, queues, workload, {
        pauseRedis: () => redis.pause(),
        resumeRedis: () => redis.resume(),
      });
      await settle();
      const counts = monitor.counts();
      const bridgeRequests = (await bridge.stats()).requests;
      const sqsByAction = sqs.requests();
      const eventSource = run.eventSourceRequests;
      const { invocations } = run;
      const lambdaInvocations = sumOf(invocations as unknown as Record<string, number>);
      tandem = {
        perTask: {
          redisRequests: per(bridgeRequests, workload.tasks),
          redisScripts: per(counts.scripts, workload.tasks),
          redisCommandsInScripts: per(counts.inScripts, workload.tasks),
          redisPlainCommands: per(counts.plain, workload.tasks),
          sqsRequests: per(sumOf(sqsByAction) - eventSource, workload.tasks),
          eventSourceSqsRequests: per(eventSource, workload.tasks),
          lambdaInvocations: per(lambdaInvocations, workload.tasks),
        },
        commandsPerTaskByScript: Object.fromEntries(
          Object.entries(counts.byScript)
            .sort(([, a], [, b]) => b.commands - a.commands)
            .map(([name, { commands }]) => [name, per(commands, workload.tasks)]),
        ),
        attempts: run.attempts,
        invocations,
        redis: counts,
        sqsByAction,
        bridgeRequests,
      };
      // Idle: the one thing that runs with no traffic is the reconciler, once a minute. Several passes, so
      // work a pass does only now and then (the index sweep) is averaged in.
      sqs.reset();
      monitor.reset();
      await bridge.resetStats();
      for (let pass = 0; pass < IDLE_PASSES; pass += 1) await run.app.reconcile();
      await settle();
      const idle = monitor.counts();
      const perHour = (count: number) => Math.round((count * 60) / IDLE_PASSES);
      tandemIdlePerHour = {
        redisRequests: perHour((await bridge.stats()).requests),
        redisScripts: perHour(idle.scripts + idle.plain),
        redisCommands: perHour(idle.scripts + idle.inScripts + idle.plain),
        sqsRequests: perHour(sumOf(sqs.requests())),
        lambdaInvocations: 60,
      };
    } finally {
      await bridge.close();
    }

    monitor.reset();
    const bullmqRun = await runBullmqWorkload(redis.url, `bench-cost-${Date.now()}`, workload);
    let bullmq: CostResults['bullmq'];
    try {
      await settle();
      const counts = monitor.counts();
      monitor.reset();
      await new Promise((resolve) => setTimeout(resolve, options.costIdleSeconds * 1000));
      const idle = monitor.counts();
      bullmq = {
        perJob: {
          redisScripts: per(counts.scripts, workload.tasks),
          redisCommandsInScripts: per(counts.inScripts, workload.tasks),
          redisPlainCommands: per(counts.plain, workload.tasks),
        },
        redis: counts,
        idlePerHour: {
          redisCommands: Math.round(
            ((idle.scripts + idle.inScripts + idle.plain) * 3600) / options.costIdleSeconds,
          ),
          measuredSeconds: options.costIdleSeconds,
        },
      };
    } finally {
      await bullmqRun.close();
    }
    return {
      workload,
      tandem,
      tandemIdlePerHour,
      bullmq,
      ...dollars(tandem, tandemIdlePerHour, bullmq, workload),
    };
  } finally {
    await monitor.close();
    await Promise.allSettled([sqs.stop(), redis.stop()]);
  }
}

/** MONITOR's stream and the bridge's counters trail the last reply by a moment. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200));
}

function dollars(
  tandem: CostResults['tandem'],
  tandemIdle: CostResults['tandemIdlePerHour'],
  bullmq: CostResults['bullmq'],
  workload: CostWorkload,
): Pick<CostResults, 'dollarsPerMillionTasks' | 'idleDollarsPerMonth'> {
  const t = tandem.perTask;
  const b = bullmq.perJob;
  const sqsPerTask = t.sqsRequests + t.eventSourceSqsRequests;
  const tandemAws =
    perMillion(sqsPerTask, ListPrices.sqsPerRequest) +
    perMillion(t.lambdaInvocations, ListPrices.lambdaPerRequest);
  const tandemScriptAsOne = perMillion(t.redisScripts + t.redisPlainCommands, ListPrices.upstashPerCommand);
  const tandemEveryCommand = perMillion(
    t.redisScripts + t.redisPlainCommands + t.redisCommandsInScripts,
    ListPrices.upstashPerCommand,
  );
  // QStash: one message per delivery attempt, and the Lambda invocation each delivery makes.
  const deliveries = 1 + workload.failOnceShare;
  const hoursPerMonth = 24 * 30;
  const idleAws =
    tandemIdle.sqsRequests * ListPrices.sqsPerRequest +
    tandemIdle.lambdaInvocations * ListPrices.lambdaPerRequest;
  return {
    dollarsPerMillionTasks: {
      'tandem (Upstash counts a script as one command)': round(tandemScriptAsOne + tandemAws, 3),
      'tandem (Upstash counts every command a script runs)': round(tandemEveryCommand + tandemAws, 3),
      'bullmq on Upstash (a script as one command)': perMillion(
        b.redisScripts + b.redisPlainCommands,
        ListPrices.upstashPerCommand,
      ),
      'bullmq on Upstash (every command a script runs)': perMillion(
        b.redisScripts + b.redisPlainCommands + b.redisCommandsInScripts,
        ListPrices.upstashPerCommand,
      ),
      'qstash (messages and the Lambda invocations they make)': round(
        perMillion(deliveries, ListPrices.qstashPerMessage) +
          perMillion(deliveries, ListPrices.lambdaPerRequest),
        3,
      ),
    },
    idleDollarsPerMonth: {
      'tandem: reconciler (a script as one command)': round(
        hoursPerMonth * (tandemIdle.redisScripts * ListPrices.upstashPerCommand + idleAws),
        3,
      ),
      'tandem: reconciler (every command a script runs)': round(
        hoursPerMonth * (tandemIdle.redisCommands * ListPrices.upstashPerCommand + idleAws),
        3,
      ),
      'tandem: SQS event source polling (computed: 5 long polls of 20 s at a time)': round(
        hoursPerMonth * ESM_IDLE_POLLS_PER_HOUR * ListPrices.sqsPerRequest,
        3,
      ),
      'bullmq: one waiting Worker (Redis commands only; the server it runs on is extra)': round(
        hoursPerMonth * bullmq.idlePerHour.redisCommands * ListPrices.upstashPerCommand,
        3,
      ),
    },
  };
}
