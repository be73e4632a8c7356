import type { TaskState } from '../tasks/task-envelope.js';

/** Options of `listTasks`. */
export interface ListTasksOptions {
  state?: TaskState;
  type?: string;
  /** 1–100, default 50. */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
  /** Text the task's payload contains. */
  text?: string;
}

/** Options of `events` and `queueHistory`. */
export interface TimelineOptions {
  /** A Date or an ISO 8601 string; default: an hour ago. */
  since?: Date | string;
  limit?: number;
}

/**
 * Options of `replayAll`: the given ids, or dead tasks by type, last-error text and time of death; at
 * most `limit` (1–10 000; default: as many as `ids`, else 100), started `perSecond` (default 10) a second.
 */
export interface ReplayAllOptions {
  ids?: readonly string[];
  type?: string;
  error?: string;
  from?: Date | string;
  to?: Date | string;
  limit?: number;
  perSecond?: number;
  /** Only count what would be replayed. */
  dryRun?: boolean;
}

const isoOf = (value: Date | string | undefined) => (value instanceof Date ? value.toISOString() : value);

/** The query of `GET /tasks`. */
export function listTasksQuery({ state, type, limit, cursor, text }: ListTasksOptions) {
  return { state, type, limit, cursor, q: text };
}

/** The query of `GET /events` and `GET /queues/history`. */
export function timeQuery({ since, limit }: TimelineOptions) {
  return { since: isoOf(since), limit };
}

/** The body of `POST /dead/replay`: named fields only, times as ISO 8601. */
export function replayAllBody({ ids, type, error, from, to, limit, perSecond }: ReplayAllOptions) {
  return { ids, type, error, from: isoOf(from), to: isoOf(to), limit, perSecond };
}
