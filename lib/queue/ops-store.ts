import type { TaskState } from '../tasks/task-envelope.js';
import type { TaskStatus } from './task-queue.js';

/** Where a listing page ended: the last task returned (by creation time, then id). */
export interface TaskPosition {
  createdAt: number;
  id: string;
}

/** One page of the task listing, newest first. */
export interface TaskListQuery {
  limit: number;
  /** Continue after this task; from the newest when absent. */
  after?: TaskPosition;
  state?: TaskState;
  type?: string;
  /** Text the task's payload (its stored JSON) contains. */
  text?: string;
}

export interface TaskListPage {
  tasks: TaskStatus[];
  /** Where the next page starts; null when the listing has ended. */
  next: TaskPosition | null;
}

/** Tasks per state in Redis. Finished ones count while their records are kept (`RESULT_TTL_SECONDS`). */
export interface StateCounts {
  queued: number;
  scheduled: number;
  running: number;
  succeeded: number;
  failed: number;
  dead: number;
  cancelled: number;
  /** False when the delayed set was too large to tell every scheduled task from a failed one. */
  exact: boolean;
}

/** A record of the operations timeline or of the depth samples: a time, a kind, and its own fields. */
export type OpsRecord = { at: number; kind: string } & Record<string, unknown>;

/** Records written together; `id`, when given, makes sending the batch again harmless. */
export interface OpsBatch {
  id?: string;
  events: readonly OpsRecord[];
  samples: readonly OpsRecord[];
}

/** A record as read back, with the stream entry id it was stored under (its place in write order). */
export interface StoredOpsRecord {
  entryId: string;
  record: OpsRecord;
}

/** Which dead tasks a bulk replay is about. Every given field must match. */
export interface DeadTaskFilter {
  type?: string;
  /** Text the last error contains, in any case. */
  error?: string;
  /** Died at or after (epoch ms). */
  from?: number;
  /** Died at or before (epoch ms). */
  to?: number;
  /** Only these tasks. */
  ids?: readonly string[];
}

/** A dead task in Redis that matched a filter. */
export interface DeadCandidate {
  id: string;
  type: string;
  lastError: string;
  diedAt: number;
  attempt: number;
}

/**
 * What operators see and do beyond single tasks: the task listing, counts per state, the operations
 * timeline and depth samples (capped), and paced replays. Every method is one round trip.
 */
export interface OpsStore {
  listTasks(query: TaskListQuery): Promise<TaskListPage>;
  /** The task an idempotency key belongs to, or null. */
  findByIdempotencyKey(key: string): Promise<TaskStatus | null>;
  countStates(): Promise<StateCounts>;
  /**
   * Appends timeline events and depth samples; returns how many were stored. A batch `id` is stored once:
   * sending the same batch again (after a timeout that may have applied it) stores nothing.
   */
  append(records: OpsBatch): Promise<number>;
  /** Timeline events stored at or after `since` (epoch ms), or after `afterEntry`, oldest first. */
  readEvents(from: { since: number } | { afterEntry: string }, limit: number): Promise<StoredOpsRecord[]>;
  readSamples(since: number, limit: number): Promise<StoredOpsRecord[]>;
  selectDead(filter: DeadTaskFilter, limit: number): Promise<DeadCandidate[]>;
  /** Replays dead tasks, each at its own start time; returns the ids replayed. */
  replayDeadAt(starts: readonly { id: string; runAt: number }[]): Promise<string[]>;
  /** Drops what has expired from the listing index and the finished sets; returns index entries removed. */
  sweep(): Promise<number>;
}
