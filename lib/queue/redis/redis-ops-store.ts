import { Redis } from '@upstash/redis';
import type {
  DeadCandidate,
  DeadTaskFilter,
  OpsBatch,
  OpsStore,
  StateCounts,
  StoredOpsRecord,
  TaskListPage,
  TaskListQuery,
} from '../ops-store.js';
import type { TaskStatus } from '../task-queue.js';
import { entryAfter, listTasksArgs, replayDeadAtArgs, selectDeadArgs } from './ops-script-args.js';
import {
  deadCandidatesOf,
  idempotentTaskOf,
  stateCountsOf,
  storedRecordsOf,
  taskListPageOf,
} from './ops-script-replies.js';
import { idempotencyHash, type QueueKeys, queueKeys } from './queue-keys.js';
import { expectReply, RedisInt, StringListReply } from './redis-replies.js';
import type { RedisTransport } from './redis-transport.js';
import { runScript } from './run-script.js';
import { scripts } from './scripts/index.js';
import { upstashTransport } from './upstash-transport.js';

export interface RedisOpsStoreOptions {
  /** The same client (or transport) as the queue's. */
  redis: Redis | RedisTransport;
  queueName: string;
  /** How long finished tasks are kept: older entries of the finished sets are not counted. */
  resultTtlMs: number;
  /** Timeline events kept (approximately; the stream is trimmed in whole nodes). Default 10 000. */
  eventsKept?: number;
  /** Depth samples kept: one per reconciler pass, so 1 500 is a day at one a minute. */
  samplesKept?: number;
  /** Delayed entries `countStates` tells apart (scheduled from failed). Default 10 000. */
  countScan?: number;
  /** Index entries one sweep looks at. Default 1 000. */
  sweepSlice?: number;
  /** How long the sweep rests after a cycle over the index's old entries. Default one hour. */
  sweepRestMs?: number;
  clock?: () => number;
}

/**
 * The Redis adapter of {@link OpsStore}: the task index, the finished sets and the two capped streams of
 * `queue-keys.ts`, one script per call.
 */
export class RedisOpsStore implements OpsStore {
  readonly keys: QueueKeys;
  readonly #transport: RedisTransport;
  readonly #options: Required<Omit<RedisOpsStoreOptions, 'redis' | 'queueName'>>;

  constructor({ redis, queueName, ...options }: RedisOpsStoreOptions) {
    this.#transport = redis instanceof Redis ? upstashTransport(redis) : redis;
    this.keys = queueKeys(queueName);
    this.#options = {
      eventsKept: 10_000,
      samplesKept: 1_500,
      countScan: 10_000,
      sweepSlice: 1_000,
      sweepRestMs: 3_600_000,
      clock: Date.now,
      ...options,
    };
  }

  async listTasks(query: TaskListQuery): Promise<TaskListPage> {
    const { keys } = this;
    return taskListPageOf(
      await this.#run(scripts.listTasks, [keys.index], listTasksArgs(keys.taskPrefix, query)),
    );
  }

  async findByIdempotencyKey(key: string): Promise<TaskStatus | null> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.readIdempotent,
      [keys.idempotency(idempotencyHash(key))],
      [keys.taskPrefix],
    );
    return idempotentTaskOf(reply);
  }

  async countStates(): Promise<StateCounts> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.countStates,
      [keys.ready, keys.delayed, keys.active, keys.dead, keys.succeeded, keys.cancelled],
      [keys.taskPrefix, this.#options.countScan, this.#keptSince()],
    );
    return stateCountsOf(reply);
  }

  async append({ id, events, samples }: OpsBatch) {
    if (events.length + samples.length === 0) return 0;
    const { keys } = this;
    const reply = await this.#run(
      scripts.appendOps,
      [keys.events, keys.samples, ...(id === undefined ? [] : [keys.opsBatch(id)])],
      [
        this.#options.eventsKept,
        this.#options.samplesKept,
        events.length,
        ...events.map((event) => JSON.stringify(event)),
        ...samples.map((sample) => JSON.stringify(sample)),
      ],
    );
    return expectReply(RedisInt, reply, 'append-ops');
  }

  async readEvents(from: { since: number } | { afterEntry: string }, limit: number) {
    const first = 'since' in from ? `${Math.max(0, Math.floor(from.since))}-0` : entryAfter(from.afterEntry);
    return this.#readStream(this.keys.events, first, limit);
  }

  async readSamples(since: number, limit: number): Promise<StoredOpsRecord[]> {
    return this.#readStream(this.keys.samples, `${Math.max(0, Math.floor(since))}-0`, limit);
  }

  async selectDead(filter: DeadTaskFilter, limit: number): Promise<DeadCandidate[]> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.selectDead,
      [keys.dead],
      selectDeadArgs(keys.taskPrefix, filter, limit),
    );
    return deadCandidatesOf(reply);
  }

  async replayDeadAt(starts: readonly { id: string; runAt: number }[]): Promise<string[]> {
    if (starts.length === 0) return [];
    const { keys } = this;
    const reply = await this.#run(
      scripts.replayDeadAt,
      [keys.dead, keys.ready, keys.delayed],
      replayDeadAtArgs(keys.taskPrefix, this.#options.clock(), starts),
    );
    return expectReply(StringListReply, reply, 'replay-dead-at');
  }

  async sweep(): Promise<number> {
    const { keys } = this;
    const reply = await this.#run(
      scripts.sweepOps,
      [keys.index, keys.indexSweep, keys.succeeded, keys.cancelled],
      [
        keys.taskPrefix,
        this.#keptSince(),
        this.#options.sweepSlice,
        this.#options.clock(),
        this.#options.sweepRestMs,
      ],
    );
    return expectReply(RedisInt, reply, 'sweep-ops');
  }

  async #readStream(key: string, first: string, limit: number): Promise<StoredOpsRecord[]> {
    return storedRecordsOf(await this.#run(scripts.readStream, [key], [first, limit]));
  }

  #keptSince(): number {
    return this.#options.clock() - this.#options.resultTtlMs;
  }

  #run(script: Parameters<typeof runScript>[1], keys: readonly string[], args: readonly (string | number)[]) {
    return runScript(this.#transport, script, keys, args);
  }
}
