import type { Config } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type {
  BreakerState,
  CancelOutcome,
  EnqueueReceipt,
  RedisDepths,
  SqsDepths,
  TaskStatus,
} from '../queue/index.js';
import type { StateCounts, StoredOpsRecord, TaskListPage, TaskListQuery } from '../queue/ops-store.js';
import type { ReconcileReport } from '../reconcile/reconcile.js';
import type { DrainSummary } from '../runner/drain-queue.js';
import type { SqsBatchResult } from '../runner/process-sqs-batch.js';
import type { BulkReplayRequest, BulkReplayResult } from './bulk-replay.js';
import type { DeadTask } from './dead-letter-service.js';
import type { BatchItemResult } from './enqueue-service.js';

/** `GET /health`: each backend probed, never thrown. */
export interface Health {
  redis: { ok: boolean; latencyMs: number; breaker: BreakerState; error?: string };
  sqs: { ok: boolean; latencyMs: number; error?: string };
}

/** `GET /queues`: each backend's depths, or `available: false` when it cannot answer. */
export interface QueueOverview {
  redis: ({ available: true } & RedisDepths) | { available: false; error: string };
  sqs: ({ available: true } & SqsDepths) | { available: false; error: string };
}

/**
 * Tandem's use cases: what the Lambda handlers, the HTTP API and the local stack call. It speaks in
 * tasks, never in Redis or SQS: the adapters, the guard and the breaker stay inside `lib/queue`.
 */
export interface TandemApp {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;

  /** Validates and stores one task (Redis, else SQS). @throws TaskValidationError, EnqueueUnavailableError */
  enqueue(input: unknown, traceId?: string): Promise<EnqueueReceipt>;
  /** Up to 100 tasks, one Redis round trip; invalid items are reported per item. */
  enqueueBatch(inputs: readonly unknown[], traceId?: string): Promise<BatchItemResult[]>;
  /** Null when unknown; throws QueueUnavailableError when Redis cannot answer. */
  status(id: string): Promise<TaskStatus | null>;
  cancel(id: string): Promise<CancelOutcome>;
  health(): Promise<Health>;
  queues(): Promise<QueueOverview>;
  deadLetters: {
    list(limit: number): Promise<{ tasks: DeadTask[]; redisReachable: boolean }>;
    /** The given dead tasks, or the oldest `limit`; returns the ids queued again. */
    replay(ids: readonly string[] | undefined, limit?: number): Promise<string[]>;
  };
  /** A wake-up: drain Redis until it is empty or the time left runs short. */
  drain(remainingTimeMs: () => number, stopSignal?: AbortSignal): Promise<DrainSummary>;
  /** An SQS event source batch. */
  consumeSqs(records: readonly unknown[], remainingTimeMs: () => number): Promise<SqsBatchResult>;
  /** One reconciler pass. */
  reconcile(): Promise<ReconcileReport>;
  /** What operators see and do: the task listing, counts, the timeline, depth history, bulk replay. */
  ops: OpsUseCases;
}

/** The operator's use cases, behind `GET /tasks`, `GET /events`, `GET /queues/history` and `POST /dead/replay`. */
export interface OpsUseCases {
  /** Newest first; throws QueueUnavailableError while Redis cannot answer. */
  listTasks(query: TaskListQuery): Promise<TaskListPage>;
  findByIdempotencyKey(key: string): Promise<TaskStatus | null>;
  /** Tasks per state in Redis, finished ones included. */
  stateCounts(): Promise<StateCounts>;
  /** Timeline events stored since a time, or after an entry; this container's held records are written first. */
  events(from: { since: number } | { afterEntry: string }, limit: number): Promise<StoredOpsRecord[]>;
  /** Depth samples (one per reconciler pass) stored since a time. */
  samples(since: number, limit: number): Promise<StoredOpsRecord[]>;
  /** When this container saw Redis become unreachable, while it still is. */
  redisUnreachableSince(): number | undefined;
  /** Bulk replay by filter, paced, or a dry run of it. */
  replayDead(request: BulkReplayRequest): Promise<BulkReplayResult>;
  /** Writes the timeline records this container holds (they wait while Redis is away). */
  flush(): Promise<void>;
}

/** What every function's app has: its config, and where it logs and counts. */
export type AppBasics = Pick<TandemApp, 'config' | 'logger' | 'metrics'>;

/** The api function's use cases: enqueue and the operator's, nothing that runs or reconciles. */
export type ApiFunctionApp = AppBasics &
  Pick<
    TandemApp,
    'enqueue' | 'enqueueBatch' | 'status' | 'cancel' | 'health' | 'queues' | 'deadLetters' | 'ops'
  >;

/** The consume function's use cases: the two ways a task is run. */
export type ConsumeFunctionApp = AppBasics & Pick<TandemApp, 'drain' | 'consumeSqs'>;

/** The reconcile function's one use case. */
export type ReconcileFunctionApp = AppBasics & Pick<TandemApp, 'reconcile'>;

/** The schedule and events functions' use cases: enqueue only. */
export type TriggerFunctionApp = AppBasics & Pick<TandemApp, 'enqueue' | 'enqueueBatch'>;
