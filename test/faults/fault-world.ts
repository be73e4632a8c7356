import { randomBytes } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { z } from 'zod';
import type { TandemAppOptions } from '../../lib/app/create-tandem-app.js';
import { EnqueueUnavailableError } from '../../lib/queue/errors.js';
import { defineTask, type TaskDefinition } from '../../lib/tasks/define-task.js';
import { type RestBridge, startRestBridge } from '../../local/rest-bridge/index.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { plentyOfTime, receiveRecords } from '../support/sqs-records.js';
import {
  type HarnessRuntime,
  type HarnessRuntimeOptions,
  runtimeFromEnv,
  startTandemHarness,
  type TandemHarness,
} from '../support/tandem-harness.js';

/**
 * Real Redis, the REST bridge and fauxqs, with a fault proxy on each hop:
 *
 *   runtime ──► clientHop ──► bridge ──► redisHop ──► redis-server
 *
 * `harness.stack.bridge` talks to the same Redis without any proxy: use it (or `inspect`) to look at what
 * Redis holds while the proxied path is broken.
 */
export interface FaultWorld {
  harness: TandemHarness;
  /** Between the Upstash client and the bridge. */
  clientHop: FaultProxy;
  /** Between the bridge and redis-server. */
  redisHop: FaultProxy;
  /** The bridge behind `clientHop`, in front of `redisHop`. */
  bridge: RestBridge;
  /** A control connection straight to redis-server (CONFIG SET, REPLICAOF…), never through a proxy. */
  control: IORedis;
  /** Every run of every task, by task id: the witness for "ran once". */
  runs: RunLog;
  /** A runtime on its own queues whose Redis traffic goes through both proxies. */
  runtime(options?: HarnessRuntimeOptions): Promise<HarnessRuntime>;
  /** Another runtime on the same queues as `runtime` (another Lambda container), with its own breaker. */
  sibling(
    of: HarnessRuntime,
    options?: Omit<TandemAppOptions, 'config' | 'adapters'> & { env?: Record<string, string> },
  ): HarnessRuntime;
  /** Both proxies back to pass-through, Redis running and writable, SQS listening. */
  heal(): Promise<void>;
  stop(): Promise<void>;
}

export const REDIS_TIMEOUT_MS = 150;
export const SQS_TIMEOUT_MS = 2_000;
export const COOLDOWN_MS = 300;

/** Task id → how often it ran, and through which path. */
export class RunLog {
  readonly #runs = new Map<string, { via: string; attempt: number }[]>();

  record(id: string, via: string, attempt: number): void {
    const list = this.#runs.get(id) ?? [];
    list.push({ via, attempt });
    this.#runs.set(id, list);
  }

  count(id: string): number {
    return this.#runs.get(id)?.length ?? 0;
  }

  of(id: string) {
    return this.#runs.get(id) ?? [];
  }

  ids(): string[] {
    return [...this.#runs.keys()];
  }

  clear(): void {
    this.#runs.clear();
  }
}

/** The task types the fault tests run: `record` notes every run in the world's RunLog. */
function faultTasks(runs: RunLog): TaskDefinition[] {
  return [
    defineTask({
      type: 'record',
      schema: z.object({ n: z.number().optional() }),
      retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 200 },
      handler: async (_payload, { taskId, via, attempt }) => {
        runs.record(taskId, via, attempt);
        return 'recorded';
      },
    }),
  ];
}

export async function startFaultWorld(options: { redisArgs?: readonly string[] } = {}): Promise<FaultWorld> {
  const harness = await startTandemHarness(
    options.redisArgs ? { redis: { serverArgs: options.redisArgs } } : {},
  );
  const server = harness.stack.server;
  const redisHop = await startFaultProxy({ targetPort: server.port });
  const bridge = await startRestBridge({
    redisUrl: `redis://${redisHop.address}`,
    token: `faults-${randomBytes(12).toString('hex')}`,
    // A paused Redis is noticed by the caller's own deadline long before this.
    commandTimeoutMs: 1_000,
  });
  const clientHop = await startFaultProxy({ targetPort: Number(new URL(bridge.url).port) });
  const control = new IORedis(server.url, { maxRetriesPerRequest: 1, lazyConnect: true });
  control.on('error', () => {});
  const runs = new RunLog();
  const defaults = {
    UPSTASH_REDIS_REST_URL: `http://${clientHop.address}`,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
    SQS_TIMEOUT_MS: String(SQS_TIMEOUT_MS),
    BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
  };

  const world: FaultWorld = {
    harness,
    clientHop,
    redisHop,
    bridge,
    control,
    runs,
    runtime: ({ env = {}, tasks = [], ...rest } = {}) =>
      harness.runtime({
        ...rest,
        tasks: [...faultTasks(runs), ...tasks],
        env: { ...defaults, ...env },
        queues: { taskQueueAttributes: { VisibilityTimeout: '2' }, ...rest.queues },
      }),
    sibling(of, { env = {}, tasks = [], ...rest } = {}) {
      return runtimeFromEnv(harness.sqs.endpoint, { ...of.env, ...env }, of.queueUrls, {
        tasks: [...faultTasks(runs), ...tasks],
        ...rest,
      });
    },
    async heal() {
      await clientHop.setMode({ kind: 'pass' });
      await redisHop.setMode({ kind: 'pass' });
      if (server.pid === -1) await server.restart();
      else server.resume();
      await harness.sqs.resume();
      await withControl(control, async (redis) => {
        await redis.config('SET', 'maxmemory', '0');
        await redis.replicaof('NO', 'ONE');
      });
      await waitUntil(() => bridge.isRedisReady(), 'the bridge to reconnect to Redis', 10_000);
    },
    async stop() {
      control.disconnect();
      await Promise.allSettled([clientHop.close(), redisHop.close(), bridge.close()]);
      await harness.stop();
    },
  };
  return world;
}

/** Runs `work` on the control connection, connecting it first if needed (Redis may have restarted). */
export async function withControl<T>(control: IORedis, work: (redis: IORedis) => Promise<T>): Promise<T> {
  if (control.status === 'wait' || control.status === 'end') await control.connect();
  return work(control);
}

/** One enqueue through `runtime.enqueue`, as a caller sees it. */
export interface Attempt {
  id: string;
  outcome: 'receipt' | 'unavailable' | 'error';
  /** On 'unavailable': a backend timed out and may still store the task (the caller was told so). */
  maybeStored?: boolean;
  via?: 'redis' | 'sqs';
  duplicate?: boolean;
  ms: number;
  error?: unknown;
}

/**
 * Enqueues `count` `record` tasks with caller-given ids, `concurrency` at a time, and records what each caller
 * was told. Ids are given by the caller so that an enqueue that failed can still be looked for later.
 */
export async function enqueueMany(
  runtime: HarnessRuntime,
  label: string,
  count: number,
  concurrency = 10,
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const prefix = `${label}-${randomBytes(3).toString('hex')}`;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const id = `${prefix}-${next++}`;
      const started = performance.now();
      try {
        const receipt = await runtime.enqueue({ type: 'record', id, payload: {} });
        attempts.push({
          id,
          outcome: 'receipt',
          via: receipt.via,
          duplicate: receipt.duplicate,
          ms: performance.now() - started,
        });
      } catch (error) {
        attempts.push({
          id,
          outcome: error instanceof EnqueueUnavailableError ? 'unavailable' : 'error',
          ...(error instanceof EnqueueUnavailableError && { maybeStored: error.maybeStored }),
          ms: performance.now() - started,
          error,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return attempts;
}

/**
 * Runs everything the runtime's queues hold, as Lambda would: reconciler passes (journal, reap, promote),
 * Redis drains, and SQS batches settled as the event source mapping settles them, until every id in
 * `expected` has run and both queues are empty, or `timeoutMs` passes.
 */
export async function settle(
  runtime: HarnessRuntime,
  runs: RunLog,
  expected: readonly string[],
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runtime.reconcile();
    await runtime.drain(plentyOfTime).catch(() => undefined);
    for (let batch = 0; batch < 50; batch++) {
      const records = await receiveRecords(runtime.adapters.sqs.tasks, 10, 0).catch(() => []);
      if (records.length === 0) break;
      const result = await runtime.consumeSqs(records, plentyOfTime);
      const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
      await Promise.allSettled(
        records
          .filter((record) => !failed.has(record.messageId))
          .map((record) => runtime.adapters.sqs.tasks.deleteMessage(record.receiptHandle)),
      );
    }
    const allRan = expected.every((id) => runs.count(id) > 0);
    if (allRan && (await queuesEmpty(runtime))) return;
    if (Date.now() > deadline) {
      const missing = expected.filter((id) => runs.count(id) === 0);
      throw new Error(
        `not settled after ${timeoutMs} ms: ${missing.length} acknowledged tasks never ran (${missing
          .slice(0, 5)
          .join(
            ', ',
          )}); redis ${JSON.stringify(await runtime.adapters.redis.depths().catch(String))}; sqs ${JSON.stringify(
          await runtime.adapters.sqs.depths().catch(String),
        )}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function queuesEmpty(runtime: HarnessRuntime): Promise<boolean> {
  try {
    const redis = await runtime.adapters.redis.depths();
    const sqs = await runtime.adapters.sqs.depths();
    // Wake-ups armed for later (a lease's end) may still wait on the task queue: they are not tasks.
    const tasks = runtime.pendingTaskMessages
      ? await runtime.pendingTaskMessages()
      : sqs.tasks.visible + sqs.tasks.inFlight + sqs.tasks.delayed;
    return (
      redis.ready.depth + redis.delayed.depth + redis.active.depth === 0 &&
      tasks === 0 &&
      sqs.journal.visible + sqs.journal.inFlight === 0
    );
  } catch {
    return false;
  }
}

/** The verdict on a set of attempts once everything has settled. */
export interface Verdict {
  receipts: number;
  viaRedis: number;
  viaSqs: number;
  unavailable: number;
  /** Acknowledged (receipt) but never ran. */
  lost: string[];
  /** Acknowledged and ran more than once. */
  duplicated: string[];
  /** Refused with "nothing was stored" (EnqueueUnavailableError, maybeStored false) and yet ran. */
  phantom: string[];
  /** Refused with "maybe stored" and ran: allowed, the caller was told it might (and given the id). */
  maybeRan: string[];
  /** Any other error: a bug. */
  errors: unknown[];
  slowestMs: number;
}

export function verdict(attempts: readonly Attempt[], runs: RunLog): Verdict {
  const receipts = attempts.filter((attempt) => attempt.outcome === 'receipt');
  return {
    receipts: receipts.length,
    viaRedis: receipts.filter((attempt) => attempt.via === 'redis').length,
    viaSqs: receipts.filter((attempt) => attempt.via === 'sqs').length,
    unavailable: attempts.filter((attempt) => attempt.outcome === 'unavailable').length,
    lost: receipts.filter((attempt) => runs.count(attempt.id) === 0).map((attempt) => attempt.id),
    duplicated: receipts.filter((attempt) => runs.count(attempt.id) > 1).map((attempt) => attempt.id),
    phantom: attempts
      .filter(
        (attempt) => attempt.outcome === 'unavailable' && !attempt.maybeStored && runs.count(attempt.id) > 0,
      )
      .map((attempt) => attempt.id),
    maybeRan: attempts
      .filter(
        (attempt) => attempt.outcome === 'unavailable' && attempt.maybeStored && runs.count(attempt.id) > 0,
      )
      .map((attempt) => attempt.id),
    errors: attempts.filter((attempt) => attempt.outcome === 'error').map((attempt) => attempt.error),
    slowestMs: Math.max(0, ...attempts.map((attempt) => attempt.ms)),
  };
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
