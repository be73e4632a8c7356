import { randomUUID } from 'node:crypto';
import { Redis } from '@upstash/redis';
import { z } from 'zod';
import { type TaskEnvelope, TaskEnvelopeSchema } from '../../tasks/task-envelope.js';
import { QueueLogicError } from '../errors.js';
import type {
  AckOutcome,
  CancelOutcome,
  ClaimRequest,
  DepthAndAge,
  EnqueueOutcome,
  EnqueueResult,
  JournalEntry,
  Lease,
  LeasingTaskQueue,
  RedisDepths,
  RunClaim,
  TaskFailure,
  TaskStatus,
  TaskSuccess,
} from '../task-queue.js';
import { idempotencyHash, type QueueKeys, queueKeys } from './queue-keys.js';
import {
  expectReply,
  parseStoredEnvelope,
  RedisInt,
  StringListReply,
  toTaskStatus,
} from './redis-replies.js';
import type { RedisTransport } from './redis-transport.js';
import { runScript } from './run-script.js';
import { applyJournalScript } from './scripts/apply-journal.js';
import { cancelScript } from './scripts/cancel.js';
import { claimScript } from './scripts/claim.js';
import { claimRunScript } from './scripts/claim-run.js';
import { completeScript } from './scripts/complete.js';
import { depthsScript } from './scripts/depths.js';
import { enqueueScript } from './scripts/enqueue.js';
import { extendLeaseScript } from './scripts/extend-lease.js';
import { failScript } from './scripts/fail.js';
import { listDeadScript } from './scripts/list-dead.js';
import { lockScript } from './scripts/lock.js';
import { promoteDueScript } from './scripts/promote-due.js';
import { readTaskScript } from './scripts/read-task.js';
import { reapExpiredScript } from './scripts/reap-expired.js';
import { releaseScript } from './scripts/release.js';
import { releaseConsumerSlotScript } from './scripts/release-consumer-slot.js';
import { replayDeadScript } from './scripts/replay-dead.js';
import { upstashTransport } from './upstash-transport.js';

export interface RedisTaskQueueOptions {
  /** An Upstash client (HTTP), or any {@link RedisTransport} such as {@link ioredisTransport} (TCP). */
  redis: Redis | RedisTransport;
  queueName: string;
  idempotencyTtlMs: number;
  resultTtlMs: number;
  /** How long a wake-up reserves the consumer slot before a consumer claims it. */
  wakeHoldMs?: number;
  /** Due tasks moved from delayed to ready per claim. */
  maxPromotions?: number;
  clock?: () => number;
}

const EnqueueReply = z.tuple([RedisInt], z.union([z.string(), RedisInt]));
const AckReply = z.array(z.enum(['succeeded', 'failed', 'dead', 'lost']));
const ReapReply = z.tuple([StringListReply, StringListReply]);
const RunClaimReply = z.union([
  z.tuple([z.literal('run'), RedisInt]),
  z.tuple([z.literal('duplicate'), z.string()]),
  z.tuple([z.literal('busy')]),
]);

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
    this.#options = { wakeHoldMs: 10_000, maxPromotions: 1000, clock: Date.now, ...options };
  }

  async enqueue(tasks: readonly TaskEnvelope[]): Promise<EnqueueResult> {
    if (tasks.length === 0) return { outcomes: [], wakeConsumer: false };
    const { keys } = this;
    const args: (string | number)[] = [
      keys.taskPrefix,
      keys.idempotencyPrefix,
      this.#now(),
      this.#options.idempotencyTtlMs,
      this.#options.wakeHoldMs,
      tasks.length,
    ];
    for (const task of tasks) {
      const stored = validEnvelope({ ...task, enqueuedVia: 'redis' });
      args.push(
        task.id,
        task.idempotencyKey ? idempotencyHash(task.idempotencyKey) : '',
        JSON.stringify(stored),
        task.priority,
        task.runAt,
        task.maxAttempts,
        task.type,
        task.createdAt,
      );
    }
    const reply = await this.#run(enqueueScript, [keys.ready, keys.delayed, keys.consumerSlot], args);
    const [wake, ...flat] = expectReply(EnqueueReply, reply, 'enqueue');
    if (flat.length !== tasks.length * 3) throw expectReply(z.never(), reply, 'enqueue');
    const outcomes: EnqueueOutcome[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      outcomes.push({
        id: String(flat[i]),
        state: String(flat[i + 1]) as EnqueueOutcome['state'],
        duplicate: Number(flat[i + 2]) === 1,
      });
    }
    return { outcomes, wakeConsumer: wake === 1 };
  }

  async claim({ max, leaseMs, consumerId, slotTtlMs }: ClaimRequest): Promise<Lease> {
    const { keys } = this;
    const token = randomUUID();
    const now = this.#now();
    const reply = await this.#run(
      claimScript,
      [keys.ready, keys.delayed, keys.active, keys.consumerSlot],
      [keys.taskPrefix, now, leaseMs, max, token, this.#options.maxPromotions, consumerId, slotTtlMs],
    );
    const flat = expectReply(z.array(z.union([z.string(), RedisInt])), reply, 'claim');
    const tasks: TaskEnvelope[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const envelope = parseStoredEnvelope(String(flat[i]), 'claim');
      tasks.push({ ...envelope, attempt: Number(flat[i + 1]) });
    }
    return { token, expiresAt: now + leaseMs, tasks };
  }

  async releaseConsumerSlot(consumerId: string): Promise<number> {
    const { keys } = this;
    const reply = await this.#run(
      releaseConsumerSlotScript,
      [keys.consumerSlot, keys.ready, keys.delayed],
      [consumerId, this.#now()],
    );
    return expectReply(RedisInt, reply, 'release-consumer-slot');
  }

  async complete(token: string, successes: readonly TaskSuccess[]): Promise<AckOutcome[]> {
    if (successes.length === 0) return [];
    const args: (string | number)[] = [
      this.keys.taskPrefix,
      this.#now(),
      token,
      this.#options.resultTtlMs,
      successes.length,
    ];
    for (const success of successes) {
      args.push(success.id, success.result === undefined ? '' : (JSON.stringify(success.result) ?? ''));
    }
    const reply = await this.#run(completeScript, [this.keys.active], args);
    return zipOutcomes(successes, expectReply(AckReply, reply, 'complete'));
  }

  async fail(token: string, failures: readonly TaskFailure[]): Promise<AckOutcome[]> {
    if (failures.length === 0) return [];
    const { keys } = this;
    const args: (string | number)[] = [keys.taskPrefix, this.#now(), token, failures.length];
    for (const failure of failures) {
      args.push(failure.id, failure.error.slice(0, 2000), failure.dead ? 1 : 0, failure.retryAt);
    }
    const reply = await this.#run(failScript, [keys.active, keys.delayed, keys.dead], args);
    return zipOutcomes(failures, expectReply(AckReply, reply, 'fail'));
  }

  async extendLease(token: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const reply = await this.#run(
      extendLeaseScript,
      [this.keys.active],
      [this.keys.taskPrefix, this.#now(), token, leaseMs, ...ids],
    );
    return expectReply(StringListReply, reply, 'extend-lease');
  }

  async release(token: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { keys } = this;
    const reply = await this.#run(
      releaseScript,
      [keys.active, keys.ready],
      [keys.taskPrefix, this.#now(), token, ...ids],
    );
    return expectReply(StringListReply, reply, 'release');
  }

  async reapExpired(limit: number): Promise<{ requeued: string[]; dead: string[] }> {
    const { keys } = this;
    const reply = await this.#run(
      reapExpiredScript,
      [keys.active, keys.ready, keys.dead],
      [keys.taskPrefix, this.#now(), limit],
    );
    const [requeued, dead] = expectReply(ReapReply, reply, 'reap-expired');
    return { requeued, dead };
  }

  async cancel(id: string): Promise<CancelOutcome> {
    const { keys } = this;
    const reply = await this.#run(
      cancelScript,
      [keys.ready, keys.delayed],
      [keys.task(id), id, this.#now(), this.#options.resultTtlMs],
    );
    return expectReply(z.enum(['cancelled', 'not_found', 'running', 'finished']), reply, 'cancel');
  }

  async replayDead(ids: readonly string[] = [], limit = 100): Promise<string[]> {
    const { keys } = this;
    const reply = await this.#run(
      replayDeadScript,
      [keys.dead, keys.ready],
      [keys.taskPrefix, this.#now(), limit, ...ids],
    );
    return expectReply(StringListReply, reply, 'replay-dead');
  }

  async listDead(limit: number): Promise<TaskStatus[]> {
    const reply = await this.#run(listDeadScript, [this.keys.dead], [this.keys.taskPrefix, limit]);
    const flat = expectReply(z.array(z.union([z.string(), StringListReply])), reply, 'list-dead');
    const statuses: TaskStatus[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const status = toTaskStatus(String(flat[i]), flat[i + 1] as string[]);
      if (status) statuses.push(status);
    }
    return statuses;
  }

  async status(id: string): Promise<TaskStatus | null> {
    const reply = await this.#run(readTaskScript, [], [this.keys.task(id)]);
    return toTaskStatus(id, expectReply(StringListReply, reply, 'read-task'));
  }

  async depths(): Promise<RedisDepths> {
    const { keys } = this;
    const now = this.#now();
    const reply = await this.#run(
      depthsScript,
      [keys.ready, keys.delayed, keys.active, keys.dead],
      [keys.taskPrefix],
    );
    const flat = expectReply(z.array(z.union([z.string(), RedisInt])).length(8), reply, 'depths');
    const entry = (index: number): DepthAndAge => {
      const createdAt = Number(flat[index * 2 + 1] || now);
      return { depth: Number(flat[index * 2]), oldestAgeMs: Math.max(0, now - createdAt) };
    };
    return { ready: entry(0), delayed: entry(1), active: entry(2), dead: entry(3) };
  }

  async claimRun(envelope: TaskEnvelope, leaseMs: number): Promise<RunClaim> {
    const { keys } = this;
    const token = randomUUID();
    const reply = await this.#run(
      claimRunScript,
      [keys.ready, keys.delayed, keys.active],
      [
        keys.taskPrefix,
        keys.idempotencyPrefix,
        this.#now(),
        leaseMs,
        token,
        envelope.id,
        envelope.idempotencyKey ? idempotencyHash(envelope.idempotencyKey) : '',
        this.#options.idempotencyTtlMs,
        JSON.stringify(envelope),
        envelope.priority,
        envelope.runAt,
        envelope.maxAttempts,
        envelope.type,
        envelope.createdAt,
        envelope.attempt,
      ],
    );
    const claim = expectReply(RunClaimReply, reply, 'claim-run');
    if (claim[0] === 'run') return { decision: 'run', token, attempt: claim[1] };
    if (claim[0] === 'duplicate') return { decision: 'duplicate', state: claim[1] as TaskStatus['state'] };
    return { decision: 'busy' };
  }

  async applyJournal(entries: readonly JournalEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const { keys } = this;
    const args: (string | number)[] = [
      keys.taskPrefix,
      keys.idempotencyPrefix,
      this.#options.idempotencyTtlMs,
      this.#options.resultTtlMs,
      entries.length,
    ];
    for (const entry of entries) {
      const { envelope } = entry;
      args.push(
        envelope.id,
        entry.state,
        entry.attempt,
        entry.finishedAt,
        entry.error ?? '',
        entry.result === undefined ? '' : (JSON.stringify(entry.result) ?? ''),
        JSON.stringify(envelope),
        envelope.type,
        envelope.maxAttempts,
        envelope.createdAt,
        envelope.priority,
        envelope.idempotencyKey ? idempotencyHash(envelope.idempotencyKey) : '',
        entry.via,
      );
    }
    const reply = await this.#run(
      applyJournalScript,
      [keys.ready, keys.delayed, keys.active, keys.dead],
      args,
    );
    return expectReply(RedisInt, reply, 'apply-journal');
  }

  async promoteDue(limit: number): Promise<{ promoted: number; ready: number; wakeConsumer: boolean }> {
    const { keys } = this;
    const reply = await this.#run(
      promoteDueScript,
      [keys.ready, keys.delayed, keys.consumerSlot],
      [keys.taskPrefix, this.#now(), limit, this.#options.wakeHoldMs],
    );
    const [promoted, ready, wake] = expectReply(
      z.tuple([RedisInt, RedisInt, RedisInt]),
      reply,
      'promote-due',
    );
    return { promoted, ready, wakeConsumer: wake === 1 };
  }

  async acquireLock(name: string, token: string, ttlMs: number): Promise<boolean> {
    const reply = await this.#run(lockScript, [this.keys.lock(name)], [token, ttlMs, 'acquire']);
    return expectReply(RedisInt, reply, 'lock') === 1;
  }

  async releaseLock(name: string, token: string): Promise<void> {
    await this.#run(lockScript, [this.keys.lock(name)], [token, 0, 'release']);
  }

  /** A cheap round trip for health checks and breaker probes. */
  async ping(): Promise<void> {
    await this.#run(readTaskScript, [], [this.keys.task('__ping__')]);
  }

  #now(): number {
    return this.#options.clock();
  }

  #run(script: Parameters<typeof runScript>[1], keys: readonly string[], args: readonly (string | number)[]) {
    return runScript(this.#transport, script, keys, args);
  }
}

/**
 * A Lua script that fails halfway keeps its earlier writes, so a batch is checked whole before it is sent:
 * one bad envelope stores nothing.
 */
function validEnvelope(task: TaskEnvelope): TaskEnvelope {
  const parsed = TaskEnvelopeSchema.safeParse(task);
  if (parsed.success) return parsed.data;
  throw new QueueLogicError(`task ${String(task.id)} is not a valid envelope`, 'redis', {
    cause: parsed.error,
  });
}

function zipOutcomes(items: readonly { id: string }[], states: AckOutcome['state'][]): AckOutcome[] {
  if (states.length !== items.length) throw expectReply(z.never(), states, 'ack');
  return items.map((item, index) => ({ id: item.id, state: states[index] as AckOutcome['state'] }));
}
