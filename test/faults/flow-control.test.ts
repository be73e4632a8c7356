import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createConsumeHandler } from '../../lib/handlers/consume-handler.js';
import { errorMessage } from '../../lib/observability/error-message.js';
import type { Logger } from '../../lib/observability/logger.js';
import { EnqueueUnavailableError } from '../../lib/queue/errors.js';
import { defineTask, type TaskDefinition } from '../../lib/tasks/define-task.js';
import { type SqsEventSource, startSqsEventSource } from '../../local/event-source/sqs-event-source.js';
import { sqsPollQueue } from '../../local/event-source/sqs-poll-queue.js';
import { pause } from '../../local/pause.js';
import {
  type HarnessRuntime,
  runtimeFromEnv,
  startTandemHarness,
  type TandemHarness,
} from '../support/tandem-harness.js';
import { waitUntil } from './fault-world.js';

/*
 * Flow control under load, watched from the receiving end. Several containers (Tandem apps on the same
 * queues, each with its own breaker and its own per-container limits) consume at once: each has an
 * event-source emulator running the real consume handler (SQS tasks, and wake-ups that drain Redis) and a
 * drain loop of its own, so several Redis consumers claim side by side. Two limited task types:
 *
 *   http    the built-in task, TANDEM_HTTP_CONCURRENCY=3 and TANDEM_HTTP_RATE_LIMIT=10/1000ms, four loopback
 *           receivers on four ports: four keys (host:port), each under both limits
 *   tenant  concurrency 3 per payload.tenant (four tenants), calling a fifth receiver
 *
 * Each receiver holds a request 20–50 ms, so that slots fill up. Mid-load, redis-server is stopped
 * (SIGSTOP) for a few seconds: enqueues fail over to SQS, SQS records run with per-container limits only,
 * and after SIGCONT the SQS backlog runs through the run claim again, alongside Redis drains.
 *
 * Each request is matched at its receiver, on arrival, with what Redis holds for it (read straight from
 * redis-server): the slot of its key and the start its key's window counted. Asserted outside the interval
 * in which limits were kept per container only (from the stall's start to the end of the last run a
 * container reported as unverified, at least the stall plus the longest task): every request was counted,
 * the most requests in flight per key never exceed the concurrency limit, and no window of the period
 * holds more than the limit of counted starts. (The arrivals themselves come one hop after the counted
 * start, a hop whose length varies by tens of milliseconds here: their raw windows are logged, not held to
 * the limit; FLOW_DEBUG=1 prints the fullest.) Inside the interval, the maxima are logged and bounded by
 * (containers + 1) × limit. And the ledger: every acknowledged task reached its receiver at least once,
 * and nothing is left parked in a waiting set.
 */

const TASKS = Number(process.env.FLOW_TASKS ?? 2_000);
/** Tasks enqueued per second, over all containers. */
const RATE = Number(process.env.FLOW_RATE ?? 200);
const CONTAINERS = 3;
const WORKERS = 16;
const HOSTS = 4;
const TENANTS = 4;
const CONCURRENCY = 3;
const RATE_LIMIT = 10;
const PERIOD_MS = 1_000;
const MIN_TASK_MS = 20;
const MAX_TASK_MS = 50;
/**
 * Tasks acknowledged but not yet seen at a receiver, at most, outside the stall: enough to keep every key at
 * its limits, few enough that a slow (shared) machine is not buried under a backlog it cannot clear in time.
 */
const MAX_OUTSTANDING = 200;
/** The stall starts once this share of the tasks is acknowledged, and lasts STALL_MS. */
const STALL_AT = 0.35;
const STALL_MS = 3_000;
const REDIS_TIMEOUT_MS = 1_000;
const COOLDOWN_MS = 500;
const LEASE_MS = 4_000;
/** Added to the end of the unenforced interval: a clock's resolution, no more. */
const MARGIN_MS = 10;
const DRAIN_TIMEOUT_MS = 100_000;

/** The clock of every observation: the receivers', the stall's and the logs'. Sub-millisecond. */
const now = () => performance.timeOrigin + performance.now();

let harness: TandemHarness;
let queueName = '';
let starts: ReturnType<typeof pollStarts>;
let control: IORedis;
let hosts: Receiver[];
let tenantReceiver: Receiver;
const visits: Visit[] = [];
const watch = logWatch();

beforeAll(async () => {
  harness = await startTandemHarness();
  control = new IORedis(harness.stack.server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  control.on('error', () => {});
  hosts = await Promise.all(Array.from({ length: HOSTS }, () => startReceiver(visits)));
  tenantReceiver = await startReceiver(visits);
}, 60_000);

afterAll(async () => {
  control?.disconnect();
  await Promise.allSettled([...(hosts ?? []), tenantReceiver].map((receiver) => receiver?.close()));
  await harness?.stop();
});

describe('flow control under load', () => {
  it(`${TASKS} limited tasks, ${CONTAINERS} containers, a Redis stall: limits hold while Redis answers, nothing is lost`, async () => {
    const containers = await startContainers();
    starts = pollStarts();
    const consumers = containers.map((runtime, index) => startConsumers(runtime, index));
    const reconciler = loop(async () => {
      await containers[0]?.reconcile();
    }, 500);
    const stall: { start?: number; end?: number } = {};
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuStart = process.cpuUsage();
    const attempts = new Map<string, Told>();
    try {
      // Enqueue at up to RATE, spread over the containers; the stall begins once STALL_AT of them are taken.
      const started = now();
      let acknowledged = 0;
      let next = 0;
      let stalling: Promise<void> | undefined;
      const seenIds = new Set<string>();
      const outstanding = () => {
        for (let i = seenIds.size; i < visits.length; i++) seenIds.add((visits[i] as Visit).id);
        return acknowledged - seenIds.size;
      };
      let paced = started;
      const worker = async () => {
        while (acknowledged < TASKS && next < TASKS * 2) {
          // Outside the stall, wait while the backlog is full; during it, SQS takes what comes.
          while (outstanding() >= MAX_OUTSTANDING && (stall.start === undefined || stall.end !== undefined))
            await pause(20);
          paced = Math.max(paced + 1_000 / RATE, now() - 1_000);
          const wait = paced - now();
          if (wait > 0) await pause(wait);
          const index = next++;
          if (!stalling && acknowledged >= TASKS * STALL_AT) stalling = stallRedis(stall);
          const id = `fc-${index}-${randomBytes(3).toString('hex')}`;
          const told = await enqueue(containers[index % CONTAINERS] as HarnessRuntime, index, id);
          attempts.set(id, told);
          if (told.told === 'acknowledged') acknowledged += 1;
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));
      await stalling;
      const enqueueMs = now() - started;

      const acked = [...attempts].filter(([, a]) => a.told === 'acknowledged').map(([id]) => id);
      const seen = () => new Set(visits.map((visit) => visit.id));
      const drainMs = await waitUntil(
        async () => {
          const ids = seen();
          return acked.every((id) => ids.has(id)) && (await queuesEmpty(containers[0] as HarnessRuntime));
        },
        'every acknowledged task to reach its receiver and the queues to empty',
        DRAIN_TIMEOUT_MS,
      ).catch(async (error: unknown) => {
        const ids = seen();
        const missing = acked.filter((id) => !ids.has(id));
        throw new Error(
          `${(error as Error).message}: ${missing.length} acknowledged tasks never ran (${missing
            .slice(0, 5)
            .join(', ')}); waiting ${JSON.stringify(await waitingSets())}`,
        );
      });

      // Stop consuming before the books are read: no late request may land while they are.
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await reconciler.stop();
      await starts.stop();

      const report = await analyse(stall as Required<typeof stall>, attempts, await waitingSets());
      loopDelay.disable();
      const cpu = process.cpuUsage(cpuStart);
      const timing = {
        enqueueMs: Math.round(enqueueMs),
        drainMs,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        loopDelayMs: {
          p50: Math.round(loopDelay.percentile(50) / 1e6),
          max: Math.round(loopDelay.max / 1e6),
        },
      };
      process.stdout.write(`flow-control: ${JSON.stringify({ ...timing, ...report.summary })}\n`);
      const context = JSON.stringify({
        ...timing,
        ...report.summary,
        logs: watch.counts,
        errors: watch.errors,
      });

      // Nothing lost, nothing left parked.
      expect(report.lost, context).toEqual([]);
      expect(report.waiting.queued, context).toBe(0);
      // The run really went through the paths it is about.
      expect(report.summary.via.redis, context).toBeGreaterThan(0);
      expect(report.summary.via.sqs, context).toBeGreaterThan(0);
      expect(report.summary.sqsEnqueuedRanAfterStall, context).toBeGreaterThan(0);
      expect(report.summary.unverifiedRuns, context).toBeGreaterThan(0);
      expect(report.summary.maxContainersAtOnce, context).toBeGreaterThanOrEqual(2);
      // While Redis answered: every request that reached a receiver held a slot of its key and had its start
      // counted in its key's window; never more than the limit in flight per key; never more than the limit
      // of counted starts in any window. The limits were reached, so these counts mean something.
      for (const phase of ['before', 'after'] as const) {
        const { inFlight, perCountedWindow, uncounted } = report.summary[phase];
        expect(uncounted, `${phase}: runs Redis did not count ${context}`).toBe(0);
        expect(inFlight.max, `${phase}: in flight ${context}`).toBe(CONCURRENCY);
        expect(perCountedWindow.max, `${phase}: starts per window ${context}`).toBeLessThanOrEqual(
          RATE_LIMIT,
        );
      }
      const { before, after } = report.summary;
      expect(Math.max(before.perCountedWindow.max, after.perCountedWindow.max), context).toBe(RATE_LIMIT);
      // While Redis was away each container kept the limits for itself (and Redis its own for what it ran).
      const { inFlight, perWindow } = report.summary.unenforced;
      expect(inFlight.max, context).toBeLessThanOrEqual((CONTAINERS + 1) * CONCURRENCY);
      expect(perWindow.max, context).toBeLessThanOrEqual((CONTAINERS + 1) * RATE_LIMIT);
    } finally {
      await Promise.allSettled(consumers.map((consumer) => consumer.stop()));
      await reconciler.stop();
      await starts.stop();
      if (stall.start !== undefined && stall.end === undefined) harness.stack.server.resume();
    }
  }, 170_000);
});

/** The task types of one container; `tenant` tells the receiver which container ran it, and how. */
function limitedTasks(container: string): TaskDefinition[] {
  return [
    defineTask({
      type: 'tenant',
      schema: z.object({ id: z.string(), tenant: z.string(), ms: z.number() }),
      concurrency: { limit: CONCURRENCY, key: (payload) => payload.tenant },
      retry: { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 500 },
      timeoutMs: 10_000,
      handler: async (payload, { via, signal, attempt }) => {
        const response = await fetch(tenantReceiver.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...payload, container, via, attempt }),
          signal,
        });
        await response.text();
        if (!response.ok) throw new Error(`the receiver answered ${response.status}`);
      },
    }),
  ];
}

/** The containers: one runtime per container, on the same queues and Redis, each with its own breaker. */
async function startContainers(): Promise<HarnessRuntime[]> {
  const env = {
    REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
    SQS_TIMEOUT_MS: '5000',
    BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
    LEASE_MS: String(LEASE_MS),
    RECONCILE_EVERY_MS: '500',
    CONSUMER_CONCURRENCY: '10',
    ...(process.env.FLOW_BATCH && { CLAIM_BATCH_SIZE: process.env.FLOW_BATCH }),
    TANDEM_HTTP_ALLOWED_HOSTS: '127.0.0.1',
    TANDEM_HTTP_CONCURRENCY: String(CONCURRENCY),
    TANDEM_HTTP_RATE_LIMIT: `${RATE_LIMIT}/${PERIOD_MS}ms`,
  };
  const first = await harness.runtime({
    env,
    tasks: limitedTasks('c0'),
    logger: watch.logger('c0'),
    consumerId: 'c0',
    // A record whose delete was lost comes back after this; the stack's 5 min would outlast the test.
    queues: { taskQueueAttributes: { VisibilityTimeout: '20' }, maxReceiveCount: 50 },
  });
  queueName = first.env.QUEUE_NAME as string;
  const others = Array.from({ length: CONTAINERS - 1 }, (_, index) => {
    const name = `c${index + 1}`;
    return runtimeFromEnv(harness.sqs.endpoint, first.env, first.queueUrls, {
      tasks: limitedTasks(name),
      logger: watch.logger(name),
      consumerId: name,
    });
  });
  return [first, ...others];
}

/**
 * What consumes in one container: the event source (two pollers; the consume handler runs SQS tasks and
 * drains Redis on wake-ups) and a drain loop, as wake-ups from many enqueuers would start.
 */
function startConsumers(runtime: HarnessRuntime, index: number) {
  const handler = createConsumeHandler(() => runtime);
  const source: SqsEventSource = startSqsEventSource({
    queue: sqsPollQueue(harness.sqs.client, runtime.queueUrls.taskQueueUrl),
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:flow-control-tasks',
    handler: (event, context) => handler(event, context),
    logger: watch.logger(`c${index}/event-source`),
    batchSize: 10,
    concurrency: 2,
    waitSeconds: 1,
    functionTimeoutMs: 60_000,
  });
  const stopping = new AbortController();
  const drains = loop(async () => {
    const deadline = Date.now() + 60_000;
    await runtime.drain(() => deadline - Date.now(), stopping.signal).catch(() => undefined);
  }, 100);
  return {
    async stop() {
      stopping.abort();
      await Promise.all([drains.stop(), source.stop()]);
    },
  };
}

/** Runs `pass` again and again, `gapMs` apart, until stopped; a failing pass is tried again. */
function loop(pass: () => Promise<void>, gapMs: number) {
  const stopping = new AbortController();
  const done = (async () => {
    while (!stopping.signal.aborted) {
      await pass().catch(() => undefined);
      await pause(gapMs, stopping.signal);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}

async function stallRedis(stall: { start?: number; end?: number }): Promise<void> {
  stall.start = now();
  harness.stack.server.pause();
  await pause(STALL_MS);
  harness.stack.server.resume();
  stall.end = now();
}

interface Told {
  told: 'acknowledged' | 'refused' | 'unknown';
  via?: 'redis' | 'sqs';
}

/** Task `index`: two in five are `http` tasks to one of the hosts, the others `tenant` tasks. */
async function enqueue(runtime: HarnessRuntime, index: number, id: string): Promise<Told> {
  const ms = MIN_TASK_MS + Math.floor(Math.random() * (MAX_TASK_MS - MIN_TASK_MS + 1));
  const task =
    index % 5 < 2
      ? { type: 'http', id, payload: { url: (hosts[index % HOSTS] as Receiver).url, body: { id, ms } } }
      : { type: 'tenant', id, payload: { id, tenant: `t${index % TENANTS}`, ms } };
  try {
    const receipt = await runtime.enqueue(task);
    return { told: 'acknowledged', via: receipt.via };
  } catch (error) {
    if (error instanceof EnqueueUnavailableError) return { told: error.maybeStored ? 'unknown' : 'refused' };
    return { told: 'unknown' };
  }
}

async function queuesEmpty(runtime: HarnessRuntime): Promise<boolean> {
  try {
    const redis = await runtime.adapters.redis.depths();
    const sqs = await runtime.adapters.sqs.depths();
    const tasks = (await runtime.pendingTaskMessages?.()) ?? 0;
    const waiting = await waitingSets();
    return (
      redis.ready.depth + redis.delayed.depth + redis.active.depth === 0 &&
      tasks === 0 &&
      sqs.journal.visible + sqs.journal.inFlight === 0 &&
      waiting.queued === 0
    );
  } catch {
    return false;
  }
}

/**
 * What the limits' waiting sets hold: entries whose task is still queued (parked, waiting for a slot or a
 * window: stuck, once nothing runs) and stale ones (the task moved on; dropped when next popped).
 */
async function waitingSets(): Promise<{ queued: number; stale: number; queuedSample: string[] }> {
  if (control.status === 'wait' || control.status === 'end') await control.connect();
  const result = { queued: 0, stale: 0, queuedSample: [] as string[] };
  let cursor = '0';
  do {
    const [nextCursor, keys] = await control.scan(cursor, 'MATCH', '*:limit:?wait:*', 'COUNT', '1000');
    cursor = nextCursor;
    for (const key of keys) {
      const taskPrefix = key.replace(/:limit:[cr]wait:.*$/, ':task:');
      for (const id of await control.zrange(key, '0', '-1')) {
        if ((await control.hget(`${taskPrefix}${id}`, 'state')) === 'queued') {
          result.queued += 1;
          if (result.queuedSample.length < 5) result.queuedSample.push(`${key} ${id}`);
        } else result.stale += 1;
      }
    }
  } while (cursor !== '0');
  return result;
}

/** One request at a receiver: from its arrival to the moment its answer was sent. */
interface Visit {
  id: string;
  /** `host:<port>` for `http` tasks, `tenant:<t>` for `tenant` tasks. */
  key: string;
  attempt: number;
  arrival: number;
  end: number;
  container?: string;
  via?: string;
  /** What Redis held for this run when it arrived: its slot (lease end) and its start in the window. */
  counted?: Promise<{ slot: boolean; startedAt?: number }>;
}

interface Receiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A loopback receiver: notes each request in `visits` and answers 200 after the `ms` its body asks. On
 * arrival it also asks Redis (straight, not through Tandem) whether the run holds a slot of its key and
 * when Redis counted its start: that start is what the sliding window is kept on.
 */
async function startReceiver(into: Visit[]): Promise<Receiver> {
  let port = 0;
  const server: Server = createServer((request, response) => {
    const arrival = now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: {
        id?: string;
        ms?: number;
        tenant?: string;
        container?: string;
        via?: string;
        attempt?: number;
      } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch {
        // Not one of ours: answered, never counted.
      }
      const attempt = body.attempt ?? Number(request.headers['tandem-attempt']);
      const key = body.tenant ? `tenant:${body.tenant}` : `host:${port}`;
      const counted = body.id ? lookUpCounted(key, body.id, attempt) : undefined;
      counted?.catch(() => {});
      setTimeout(() => {
        if (body.id) {
          into.push({
            id: body.id,
            key,
            attempt,
            arrival,
            end: now(),
            ...(body.container !== undefined && { container: body.container }),
            ...(body.via !== undefined && { via: body.via }),
            ...(counted !== undefined && { counted }),
          });
        }
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('ok');
      }, body.ms ?? 0);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Every start Redis counted in the http keys' windows (member `<id>:<attempt>` → the claim's clock), read
 * every 100 ms: an entry stays a whole period, so none is missed, even for a request that arrives late.
 */
function pollStarts() {
  const seen = new Map<string, number>();
  const poller = loop(async () => {
    if (control.status === 'wait' || control.status === 'end') await control.connect();
    for (const host of hosts) {
      const key = `{tandem:${queueName}}:limit:starts:http/127.0.0.1:${host.port}`;
      const entries = await control.zrange(key, '0', '-1', 'WITHSCORES');
      for (let i = 0; i + 1 < entries.length; i += 2) {
        const member = entries[i] as string;
        seen.set(member, Number(entries[i + 1]));
      }
    }
  }, 100);
  return { seen, stop: () => poller.stop() };
}

/** The limit keys of a receiver key, as the scripts name them (limits.ts, script-args.ts). */
async function lookUpCounted(key: string, id: string, attempt: number) {
  const limits = `{tandem:${queueName}}:limit:`;
  const scoped = key.startsWith('host:') ? `http/127.0.0.1:${key.slice(5)}` : `tenant/${key.slice(7)}`;
  if (control.status === 'wait' || control.status === 'end') await control.connect();
  const [slot, start] = await Promise.all([
    control.zscore(`${limits}running:${scoped}`, id),
    key.startsWith('host:') ? control.zscore(`${limits}starts:${scoped}`, `${id}:${attempt}`) : null,
  ]);
  return { slot: slot !== null, ...(start !== null && { startedAt: Number(start) }) };
}

/**
 * The books: limits before, during and after the interval in which they were kept per container only,
 * the ledger, and what the waiting sets still hold.
 */
async function analyse(
  stall: { start: number; end: number },
  attempts: Map<string, Told>,
  waiting: Awaited<ReturnType<typeof waitingSets>>,
) {
  const counted = new Map<Visit, { slot: boolean; startedAt?: number }>();
  for (const visit of visits) {
    counted.set(visit, (await visit.counted?.catch(() => undefined)) ?? { slot: false });
  }
  for (const visit of visits) {
    const record = counted.get(visit);
    const startedAt = starts.seen.get(`${visit.id}:${visit.attempt}`);
    if (record && record.startedAt === undefined && startedAt !== undefined) record.startedAt = startedAt;
  }
  const maxTaskMs = Math.max(...visits.map((visit) => visit.end - visit.arrival));
  // Unverified runs go on after SIGCONT until each container's breaker has closed again: the interval ends
  // when the last run the containers reported as unverified (and that reached a receiver with no slot in
  // Redis) was answered, or the stall plus the longest task, whichever is later; plus a margin.
  const unverifiedEnds = visits
    .filter(
      (visit) => watch.unverified.has(visit.id) && !counted.get(visit)?.slot && visit.arrival >= stall.start,
    )
    .map((visit) => visit.end);
  const unenforced = {
    start: stall.start,
    end: Math.max(stall.end + maxTaskMs, ...unverifiedEnds) + MARGIN_MS,
  };
  const inUnenforced = (at: number) => at >= unenforced.start && at <= unenforced.end;
  const phaseOf = (at: number) =>
    at < unenforced.start ? 'before' : at > unenforced.end ? 'after' : ('unenforced' as const);

  const byKey = new Map<string, Visit[]>();
  for (const visit of visits) byKey.set(visit.key, [...(byKey.get(visit.key) ?? []), visit]);
  const blank = () => ({
    starts: 0,
    inFlight: { max: 0, key: '', at: 0 },
    perWindow: { max: 0, key: '', at: 0 },
    /** The same windows on the starts as Redis counted them (the claim's clock), for the runs it counted. */
    perCountedWindow: { max: 0, key: '', at: 0 },
    /** Runs that reached the receiver without a slot (or, for rate-limited keys, a start) in Redis. */
    uncounted: 0,
    /** Arrival minus the start Redis counted: the lag the receiver sees the windows with. */
    lagMs: { p50: 0, p99: 0, max: 0 },
  });
  const phases = { before: blank(), unenforced: blank(), after: blank() };
  const lags = { before: [] as number[], unenforced: [] as number[], after: [] as number[] };
  const countedStarts = new Map<string, number[]>();
  const debug: string[][] = [];
  const uncountedSample: unknown[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.arrival - b.arrival);
    for (const [index, visit] of sorted.entries()) {
      const name = phaseOf(visit.arrival);
      const phase = phases[name];
      phase.starts += 1;
      const record = counted.get(visit);
      const rateLimited = key.startsWith('host:');
      if (!record?.slot || (rateLimited && record.startedAt === undefined)) {
        phase.uncounted += 1;
        if (name !== 'unenforced' && uncountedSample.length < 5)
          uncountedSample.push({
            id: visit.id,
            key,
            attempt: visit.attempt,
            ...(visit.via !== undefined && { via: visit.via, container: visit.container }),
            afterStallMs: Math.round(visit.arrival - stall.end),
            record,
            reportedUnverified: watch.unverified.has(visit.id),
            runs: visits.filter((v) => v.id === visit.id).map((v) => Math.round(v.arrival - stall.end)),
          });
      }
      if (record?.startedAt !== undefined) {
        lags[name].push(visit.arrival - record.startedAt);
        countedStarts.set(key, [...(countedStarts.get(key) ?? []), record.startedAt]);
      }
      // In flight at this arrival: every request of the key that arrived no later and was not yet answered.
      let inFlight = 0;
      for (let other = index; other >= 0; other--) {
        const earlier = sorted[other] as Visit;
        if (earlier.end > visit.arrival) inFlight += 1;
        if (visit.arrival - earlier.arrival > maxTaskMs) break;
      }
      if (inFlight > phase.inFlight.max) phase.inFlight = { max: inFlight, key, at: visit.arrival };
      if (!rateLimited) continue;
      // Starts in [arrival, arrival + period): outside the interval only enforced starts count; inside, all.
      const counting = inUnenforced(visit.arrival) ? () => true : (at: number) => !inUnenforced(at);
      let inWindow = 0;
      for (let later = index; later < sorted.length; later++) {
        const at = (sorted[later] as Visit).arrival;
        if (at >= visit.arrival + PERIOD_MS) break;
        if (counting(at)) inWindow += 1;
      }
      if (inWindow > phase.perWindow.max) phase.perWindow = { max: inWindow, key, at: visit.arrival };
      if (process.env.FLOW_DEBUG && inWindow > RATE_LIMIT && name !== 'unenforced' && debug.length < 2) {
        const members = sorted.filter(
          (v) => v.arrival >= visit.arrival && v.arrival < visit.arrival + PERIOD_MS,
        );
        debug.push(
          members.map((v) => {
            const c = counted.get(v)?.startedAt ?? Number.NaN;
            return `+${Math.round(v.arrival - visit.arrival)} counted ${Math.round(c - visit.arrival)} lag ${Math.round(v.arrival - c)}`;
          }),
        );
      }
    }
  }
  for (const [key, starts] of countedStarts) {
    const sorted = [...starts].sort((a, b) => a - b);
    for (const [index, start] of sorted.entries()) {
      const phase = phases[phaseOf(start)];
      let inWindow = 0;
      for (let later = index; later < sorted.length && (sorted[later] as number) < start + PERIOD_MS; later++)
        inWindow += 1;
      if (inWindow > phase.perCountedWindow.max) phase.perCountedWindow = { max: inWindow, key, at: start };
    }
  }
  for (const name of ['before', 'unenforced', 'after'] as const) {
    const sorted = lags[name].sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
    phases[name].lagMs = { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
  }

  // The ledger: every acknowledged id reached a receiver.
  const firstArrival = new Map<string, number>();
  for (const visit of visits) {
    firstArrival.set(visit.id, Math.min(visit.arrival, firstArrival.get(visit.id) ?? Infinity));
  }
  const acked = [...attempts].filter(([, told]) => told.told === 'acknowledged');
  const lost = acked.filter(([id]) => !firstArrival.has(id)).map(([id]) => id);
  const sqsEnqueuedRanAfterStall = acked.filter(
    ([id, told]) => told.via === 'sqs' && (firstArrival.get(id) ?? 0) > unenforced.end,
  ).length;

  // Several consumers at once: the most containers with a tenant request in flight at the same moment.
  let maxContainersAtOnce = 0;
  const tenantVisits = visits.filter((visit) => visit.container !== undefined);
  for (const visit of tenantVisits) {
    const busy = new Set(
      tenantVisits
        .filter((other) => other.arrival <= visit.arrival && other.end > visit.arrival)
        .map((other) => other.container),
    );
    maxContainersAtOnce = Math.max(maxContainersAtOnce, busy.size);
  }

  const count = (told: Told['via']) => acked.filter(([, a]) => a.via === told).length;
  const relative = (at: number) => Math.round(at - stall.start);
  for (const phase of Object.values(phases)) {
    for (const max of [phase.inFlight, phase.perWindow, phase.perCountedWindow]) max.at = relative(max.at);
  }
  const summary = {
    tasks: attempts.size,
    acknowledged: acked.length,
    refused: [...attempts.values()].filter((a) => a.told === 'refused').length,
    unknown: [...attempts.values()].filter((a) => a.told === 'unknown').length,
    via: { redis: count('redis'), sqs: count('sqs') },
    requests: visits.length,
    duplicates: visits.length - firstArrival.size,
    ranVia: countBy(visits.map((visit) => visit.via ?? 'http')),
    stallMs: Math.round(stall.end - stall.start),
    unenforcedMs: Math.round(unenforced.end - unenforced.start),
    unenforcedAfterStallMs: Math.round(unenforced.end - stall.end),
    maxTaskMs: Math.round(maxTaskMs),
    unverifiedRuns: watch.counts.unverified ?? 0,
    sqsEnqueuedRanAfterStall,
    maxContainersAtOnce,
    waiting,
    ...phases,
    ...(debug.length > 0 && { debug }),
    ...(uncountedSample.length > 0 && { uncountedSample }),
  };
  return { summary, lost, waiting };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/**
 * Loggers for the containers that keep no lines: they note when a run went ahead without a run claim
 * (Redis unreachable: only the container's own limits held it), and count warnings and errors.
 */
function logWatch() {
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  const unverified = new Set<string>();
  const bump = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const make = (name: string): Logger => {
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (message, extra) => {
        if (message === 'run claim unavailable; running unverified') {
          unverified.add(String(extra?.taskId));
          bump('unverified');
        } else bump(`warn: ${message}`);
      },
      error: (message, extra) => {
        bump(`error (${name}): ${message}`);
        if (errors.length < 5) errors.push(`${message}: ${errorMessage(extra?.error)}`);
      },
      child: () => logger,
    };
    return logger;
  };
  return {
    counts,
    errors,
    logger: make,
    /** Ids of tasks some container ran (or deferred by its own limits) without a run claim. */
    unverified,
  };
}
