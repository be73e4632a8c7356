import { randomUUID } from 'node:crypto';
import { Redis } from '@upstash/redis';
import * as z from 'zod/mini';
import type { TaskEnvelope } from '../../tasks/task-envelope.js';
import type {
  AckResult,
  CancelOutcome,
  ClaimRequest,
  EnqueueResult,
  FailResult,
  JournalEntry,
  Lease,
  LeasingTaskQueue,
  Promotion,
  RedisDepths,
  RunClaim,
  SlotRelease,
  TaskFailure,
  TaskStatus,
  TaskSuccess,
} from '../task-queue.js';
import { type QueueKeys, queueKeys } from './queue-keys.js';
import { expectReply, RedisInt, StringListReply, toTaskStatus } from './redis-replies.js';
import type { RedisTaskQueueOptions } from './redis-task-queue-options.js';
import type { RedisTransport } from './redis-transport.js';
import { runScript } from './run-script.js';
import {
  applyJournalArgs,
  argContext,
  claimArgs,
  claimRunArgs,
  completeArgs,
  enqueueArgs,
  failArgs,
  validEnvelope,
} from './script-args.js';
import {
  ackResultOf,
  deadStatusesOf,
  depthsOf,
  enqueueResultOf,
  leaseOf,
  promotionOf,
  ReapReply,
  runClaimOf,
  slotReleaseOf,
} from './script-replies.js';
import { scripts } from './scripts/index.js';
import { upstashTransport } from './upstash-transport.js';

const QUEUE_DEFAULTS = { wakeHoldMs: 10_000, maxPromotions: 1000, maxClaimScan: 1000 };

/**
 * The Redis adapter of the queue port. Every method is one HTTP request (one script) once the scripts
 * are cached in Redis; state lives in a hash per task and four sorted sets per queue (see queue-keys.ts).
 */
export class RedisTaskQueue implements LeasingTaskQueue {
  readonly backend = 'redis' as const;
  readonly keys: QueueKeys;
  readonly #transport: RedisTransport;
  readonly #options: Required<Omit<RedisTaskQueueOptions, 'redis' | 'queueName'>>;

  constructor({ redis, queueName, ...options }: RedisTaskQueueOptions) {
    this.#transport = redis instanceof Redis ? upstashTransport(redis) : redis;
    this.keys = queueKeys(queueName);
    this.#options = { ...QUEUE_DEFAULTS, clock: Date.now, ...options };
  }

  async enqueue(tasks: readonly TaskEnvelope[]): Promise<EnqueueResult> {
    if (tasks.length === 0) return { outcomes: [], wakeConsumer: false };
    const { ready, delayed, consumerSlot, wake, index } = this.keys;
    const args = enqueueArgs(
      argContext(this.keys, this.#options),
      tasks.map((task) => validEnvelope({ ...task, enqueuedVia: 'redis' })),
    );
    const reply = await this.#run(scripts.enqueue, [ready, delayed, consumerSlot, wake, index], args);
    return enqueueResultOf(reply, tasks.length);
  }

  async claim(request: ClaimRequest): Promise<Lease> {
    const { keys } = this;
    const token = randomUUID();
    const context = argContext(keys, this.#options);
    const reply = await this.#run(
      scripts.claim,
      [keys.ready, keys.delayed, keys.active, keys.consumerSlot, keys.dead, keys.wake],
      claimArgs(context, request, token, this.#options),
    );
    return { token, expiresAt: context.now + request.leaseMs, ...leaseOf(reply) };
  }

  async releaseConsumerSlot(consumerId: string): Promise<SlotRelease> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.releaseConsumerSlot,
      [keys.consumerSlot, keys.ready, keys.delayed, keys.active, keys.wake],
      [consumerId, this.#now(), keys.taskPrefix],
    );
    return slotReleaseOf(reply);
  }

  async complete(token: string, successes: readonly TaskSuccess[]): Promise<AckResult> {
    if (successes.length === 0) return { outcomes: [] };
    const { active, succeeded, ready, consumerSlot, wake } = this.keys;
    const args = completeArgs(argContext(this.keys, this.#options), token, successes);
    const reply = await this.#run(scripts.complete, [active, succeeded, ready, consumerSlot, wake], args);
    return ackResultOf(successes, reply, 'complete');
  }

  async fail(token: string, failures: readonly TaskFailure[]): Promise<FailResult> {
    if (failures.length === 0) return { outcomes: [] };
    const { active, delayed, dead, wake, ready, consumerSlot } = this.keys;
    const args = failArgs(argContext(this.keys, this.#options), token, failures);
    const reply = await this.#run(scripts.fail, [active, delayed, dead, wake, ready, consumerSlot], args);
    return ackResultOf(failures, reply, 'fail');
  }

  async extendLease(token: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const reply = await this.#run(
      scripts.extendLease,
      [this.keys.active],
      [this.keys.taskPrefix, this.#now(), token, leaseMs, ...ids],
    );
    return expectReply(StringListReply, reply, 'extend-lease');
  }

  async release(token: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { keys } = this;
    const reply = await this.#run(
      scripts.release,
      [keys.active, keys.ready],
      [keys.taskPrefix, this.#now(), token, ...ids],
    );
    return expectReply(StringListReply, reply, 'release');
  }

  async reapExpired(limit: number): Promise<{ requeued: string[]; dead: string[] }> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.reapExpired,
      [keys.active, keys.ready, keys.dead],
      [keys.taskPrefix, this.#now(), limit],
    );
    const [requeued, dead] = expectReply(ReapReply, reply, 'reap-expired');
    return { requeued, dead };
  }

  async cancel(id: string): Promise<CancelOutcome> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.cancel,
      [keys.ready, keys.delayed, keys.cancelled],
      [keys.task(id), id, this.#now(), this.#options.resultTtlMs],
    );
    return expectReply(z.enum(['cancelled', 'not_found', 'running', 'finished']), reply, 'cancel');
  }

  async replayDead(ids: readonly string[] = [], limit = 100): Promise<string[]> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.replayDead,
      [keys.dead, keys.ready],
      [keys.taskPrefix, this.#now(), limit, ...ids],
    );
    return expectReply(StringListReply, reply, 'replay-dead');
  }

  async listDead(limit: number): Promise<TaskStatus[]> {
    const reply = await this.#run(scripts.listDead, [this.keys.dead], [this.keys.taskPrefix, limit]);
    return deadStatusesOf(reply);
  }

  async status(id: string): Promise<TaskStatus | null> {
    const reply = await this.#run(scripts.readTask, [], [this.keys.task(id)]);
    return toTaskStatus(id, expectReply(StringListReply, reply, 'read-task'));
  }

  async depths(): Promise<RedisDepths> {
    const { keys } = this;
    const now = this.#now();
    const reply = await this.#run(
      scripts.depths,
      [keys.ready, keys.delayed, keys.active, keys.dead],
      [keys.taskPrefix],
    );
    return depthsOf(reply, now);
  }

  async claimRun(envelope: TaskEnvelope, leaseMs: number): Promise<RunClaim> {
    const { keys } = this;
    const token = randomUUID();
    const reply = await this.#run(
      scripts.claimRun,
      [keys.ready, keys.delayed, keys.active, keys.index],
      claimRunArgs(argContext(this.keys, this.#options), envelope, leaseMs, token),
    );
    return runClaimOf(reply, token);
  }

  async applyJournal(entries: readonly JournalEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const { keys } = this;
    const args = applyJournalArgs(argContext(this.keys, this.#options), entries);
    const reply = await this.#run(
      scripts.applyJournal,
      [keys.ready, keys.delayed, keys.active, keys.dead, keys.index, keys.succeeded],
      args,
    );
    return expectReply(RedisInt, reply, 'apply-journal');
  }

  async promoteDue(limit: number): Promise<Promotion> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.promoteDue,
      [keys.ready, keys.delayed, keys.consumerSlot, keys.active, keys.wake],
      [keys.taskPrefix, this.#now(), limit, this.#options.wakeHoldMs],
    );
    return promotionOf(reply);
  }

  async acquireLock(name: string, token: string, ttlMs: number): Promise<boolean> {
    const reply = await this.#run(scripts.lock, [this.keys.lock(name)], [token, ttlMs, 'acquire']);
    return expectReply(RedisInt, reply, 'lock') === 1;
  }

  async releaseLock(name: string, token: string): Promise<void> {
    await this.#run(scripts.lock, [this.keys.lock(name)], [token, 0, 'release']);
  }

  /** A cheap round trip for health checks and breaker probes. */
  async ping(): Promise<void> {
    await this.#run(scripts.readTask, [], [this.keys.task('__ping__')]);
  }

  #now(): number {
    return this.#options.clock();
  }

  #run(script: Parameters<typeof runScript>[1], keys: readonly string[], args: readonly (string | number)[]) {
    return runScript(this.#transport, script, keys, args);
  }
}
