import type { TaskState } from '../tasks/task-envelope.js';
import type { MessageCounts, TaskStatus } from './api-answers.js';

// The operator's answers (`GET /tasks`, `GET /events`, `GET /queues/history`, `POST /dead/replay`), as the
// client returns them; times are ISO 8601 strings, as sent.

/** 200 of `GET /tasks`: newest first; pass `cursor` back for the next page (null at the end). */
export interface TaskPage {
  tasks: TaskStatus[];
  cursor: string | null;
}

/** Tasks per state that Redis holds (in `GET /queues`); finished ones while their records are kept. */
export type StateCounts = Record<TaskState, number> & {
  /** False when scheduled and failed could not all be told apart (a very large delayed set). */
  exact: boolean;
};

/**
 * One record of the operations timeline. `kind` is one of `breaker`, `failover`, `unavailable`, `outage`,
 * `journal-replayed`, `reaped`, `dead-lettered`, `replayed`, `limits-unenforced`; the other fields depend on it (see the README).
 */
export interface TimelineEvent {
  /** Its entry id: its place in the order stored. */
  id: string;
  kind: string;
  /** ISO 8601: when it happened (an event seen during an outage is stored after it). */
  at: string;
  /** The container that saw it. */
  source: string;
  [field: string]: unknown;
}

/** 200 of `GET /events`; `cursor` continues after the last event (null when none came yet). */
export interface TimelinePage {
  events: TimelineEvent[];
  cursor: string | null;
}

/** One depth sample of `GET /queues/history` (one per reconciler pass); a side is null when it did not answer. */
export interface DepthSample {
  id: string;
  at: string;
  source: string;
  redis: Record<'ready' | 'delayed' | 'active' | 'dead', { depth: number; oldestAgeMs: number }> | null;
  sqs: Record<'tasks' | 'deadLetters' | 'journal', MessageCounts> | null;
}

/** 200 of `POST /dead/replay`, a dry run included. */
export interface BulkReplayResult {
  dryRun: boolean;
  count: number;
  byType: Record<string, number>;
  byError: { error: string; count: number }[];
  foundIn: { redis: number; sqs: number };
  redisReachable: boolean;
  /** Ids queued again; empty for a dry run. */
  replayed: string[];
  perSecond: number;
  /** ISO 8601: when the last replayed task is due to start. */
  lastStartAt?: string;
}
