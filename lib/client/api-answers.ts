import type { ApiErrorCode } from '../api/errors.js';
import type { BreakerState } from '../queue/guard/circuit-breaker.js';
import type { Backend, TaskState } from '../tasks/task-envelope.js';
import type { StateCounts } from './ops-answers.js';

// The bodies the HTTP API answers with, as the client returns them. Times are ISO 8601 strings, exactly as
// sent. A unit test checks the API's own body builders against these types, so the two cannot drift.

/** 202 of `POST /tasks`, and a stored item of a batch: the task is durable in Redis or SQS (`via`). */
export interface TaskReceipt {
  id: string;
  /** `queued`, or `scheduled` when it runs later; for a duplicate, the known task's state. */
  state: TaskState;
  via: Backend;
  /** True when the id or idempotency key was already known: nothing new was stored. */
  duplicate: boolean;
}

/** A batch item the API refused (nothing stored for it); the other items are unaffected. */
export interface BatchItemError {
  error: { code: ApiErrorCode | (string & {}); message: string; issues?: unknown };
}

/** One item of `POST /tasks/batch`'s `results`, in the order given. */
export type BatchItemResult = TaskReceipt | BatchItemError;

/** 200 of `GET /tasks/{id}`. */
export interface TaskStatus {
  id: string;
  type: string;
  state: TaskState;
  via: Backend;
  /** Attempts made so far. */
  attempt: number;
  maxAttempts: number;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
  /** ISO 8601: when it is (or was) due. */
  runAt: string;
  lastError?: string;
  /** What the handler resolved with, once succeeded. */
  result?: unknown;
  /** The task's payload, as stored (absent from listings). */
  payload?: unknown;
  idempotencyKey?: string;
  /** 0 is the most urgent. */
  priority?: number;
}

/** 200 of `DELETE /tasks/{id}`. */
export interface CancelledTask {
  id: string;
  state: 'cancelled';
}

/** One entry of `GET /dead`. */
export interface DeadTask {
  id: string;
  /** Null for an SQS dead letter whose body is not a task. */
  type: string | null;
  attempt: number;
  lastError: string;
  /** ISO 8601. */
  diedAt: string;
  /** Where it is kept: the Redis dead set, the SQS dead-letter queue, or both. */
  foundIn: Backend[];
}

/** 200 of `GET /dead`; `redisReachable: false` means only the SQS dead letters could be listed. */
export interface DeadTaskList {
  tasks: DeadTask[];
  redisReachable: boolean;
}

/** 200 of `POST /dead/{id}/replay` and `POST /dead/replay`: the ids queued again. */
export interface ReplayResult {
  replayed: string[];
}

/** `GET /health`: both backends, each up or down (200 while one of them is up, else 503). */
export interface HealthReport {
  redis: {
    ok: boolean;
    latencyMs: number;
    breaker: BreakerState;
    /** ISO 8601: since when the answering container sees Redis unreachable (absent while it answers). */
    unreachableSince?: string;
  };
  sqs: { ok: boolean; latencyMs: number };
}

/** Depth of one Redis set, and the age in ms of its oldest entry (0 when empty). */
export interface DepthAndAge {
  depth: number;
  oldestAgeMs: number;
}

/** SQS's approximate message counts of one queue. */
export interface MessageCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** `GET /queues`: depths per state and backend (200 while one backend answers, else 503). */
export interface QueueDepths {
  redis:
    | {
        available: true;
        ready: DepthAndAge;
        delayed: DepthAndAge;
        active: DepthAndAge;
        dead: DepthAndAge;
        /** Tasks per state, finished ones included (absent when Redis could not count). */
        counts?: StateCounts;
      }
    | { available: false };
  sqs:
    | { available: true; tasks: MessageCounts; deadLetters: MessageCounts; journal: MessageCounts }
    | { available: false };
}
