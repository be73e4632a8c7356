import type { Backend, TaskEnvelope, TaskState } from '../tasks/task-envelope.js';

/** What one stored (or deduplicated) task looks like to the caller of enqueue. */
export interface EnqueueOutcome {
  id: string;
  state: Extract<TaskState, 'queued' | 'scheduled'> | TaskState;
  /** True when the id or idempotency key was already known: nothing new was stored. */
  duplicate: boolean;
}

export interface EnqueueResult {
  /** One per task, in the order given. */
  outcomes: EnqueueOutcome[];
  /** True when no consumer holds the slot: the caller should wake one. */
  wakeConsumer: boolean;
  /** A wake-up the store armed for its earliest scheduled task: send it with this DelaySeconds. */
  armWake?: number;
}

/**
 * The port both backends implement: put tasks somewhere durable. Resolving means stored;
 * anything else throws a {@link QueueError}.
 */
export interface TaskSink {
  readonly backend: Backend;
  enqueue(tasks: readonly TaskEnvelope[]): Promise<EnqueueResult>;
}

export interface ClaimRequest {
  max: number;
  leaseMs: number;
  /** Held in the consumer slot while draining, so enqueuers do not wake a second consumer. */
  consumerId: string;
  slotTtlMs: number;
  /**
   * Rate-limited tasks to lease at most (default `max`): their starts are counted at lease, so a consumer
   * asks for no more than it starts at once.
   */
  maxRateLimited?: number;
}

/** Tasks handed to one consumer until `expiresAt`, under one lease token. */
export interface Lease {
  token: string;
  expiresAt: number;
  /** Each envelope's `attempt` is the number of this run (1 on the first). */
  tasks: TaskEnvelope[];
  /** When work next becomes due (a scheduled task, a retry, a lease's end), epoch ms; absent when none. */
  nextDueAt?: number;
  /** A wake-up armed for the end of this lease: send it with this DelaySeconds. */
  armWake?: number;
  /** Ready tasks this claim moved to their key's waiting set because the key was at a limit. */
  throttled: number;
}

/** A consumer left: what is still runnable, and a wake-up armed for when work next becomes due. */
export interface SlotRelease {
  backlog: number;
  armWake?: number;
}

/**
 * What acks did, and a wake-up they armed: for the earliest retry, or for now when a freed concurrency slot
 * let waiting tasks in while no consumer is draining.
 */
export interface AckResult {
  outcomes: AckOutcome[];
  armWake?: number;
}
export type FailResult = AckResult;

/** The reconciler's promotion: what moved, and whether a consumer (now, or later) must be woken. */
export interface Promotion {
  promoted: number;
  ready: number;
  /** True for exactly one caller when work waits and no consumer is live. */
  wakeConsumer: boolean;
  armWake?: number;
}

export interface TaskSuccess {
  id: string;
  result?: unknown;
}

/** A failed attempt, as the settle policy decided it: dead, or retry at `retryAt`. */
export interface TaskFailure {
  id: string;
  error: string;
  dead: boolean;
  /** When to try again (epoch ms); ignored when dead. */
  retryAt: number;
}

/** Per task: what an ack did. `lost` means the lease had expired or been taken: someone else owns the task. */
export type AckOutcome = { id: string; state: 'succeeded' | 'failed' | 'dead' | 'lost' };

export type CancelOutcome = 'cancelled' | 'not_found' | 'running' | 'finished';

/** The answer to `GET /tasks/{id}`. */
export interface TaskStatus {
  id: string;
  type: string;
  state: TaskState;
  via: Backend;
  attempt: number;
  maxAttempts: number;
  createdAt: number;
  updatedAt: number;
  runAt: number;
  lastError?: string;
  result?: unknown;
  /** From the stored envelope, when the record has one (a full read, not a listing). */
  payload?: unknown;
  idempotencyKey?: string;
  priority?: number;
}

export interface DepthAndAge {
  depth: number;
  /** Age in ms of the oldest entry, by its score; 0 when empty. */
  oldestAgeMs: number;
}

export interface RedisDepths {
  ready: DepthAndAge;
  delayed: DepthAndAge;
  active: DepthAndAge;
  dead: DepthAndAge;
}

/**
 * Decides, for a task delivered by SQS, whether this delivery may run it. `run` carries the lease
 * token to ack with; `duplicate` means it already finished (or was cancelled) elsewhere; `busy` means
 * another consumer holds a live lease on it.
 */
export type RunClaim =
  | { decision: 'run'; token: string; attempt: number }
  | { decision: 'duplicate'; state: TaskState }
  | { decision: 'busy' }
  /** Over a limit; `opensAt` when a rate window opens (epoch ms), absent when a concurrency slot is awaited. */
  | { decision: 'throttled'; opensAt?: number };

/**
 * What Redis missed while unreachable, written back later: a task accepted via SQS (`accepted`, attempt 0),
 * or the outcome of a run.
 */
export interface JournalEntry {
  envelope: TaskEnvelope;
  /** The path that took or ran the task. */
  via: Backend;
  state: 'accepted' | 'succeeded' | 'failed' | 'dead';
  attempt: number;
  finishedAt: number;
  error?: string;
  result?: unknown;
}

/**
 * The Redis side: a leasing queue. Every method is one round trip; every state change one script.
 */
export interface LeasingTaskQueue extends TaskSink {
  /** Promotes due tasks, then leases up to `max` ready ones, most urgent first, and holds the consumer slot. */
  claim(request: ClaimRequest): Promise<Lease>;
  /** Frees the consumer slot; returns the tasks ready or due, so a leaving consumer can stay when work arrived. */
  releaseConsumerSlot(consumerId: string): Promise<SlotRelease>;
  complete(token: string, successes: readonly TaskSuccess[]): Promise<AckResult>;
  /** Retry (at `retryAt`) or bury, per task. */
  fail(token: string, failures: readonly TaskFailure[]): Promise<FailResult>;
  /** Returns the ids whose lease is still held, now extended. */
  extendLease(token: string, ids: readonly string[], leaseMs: number): Promise<string[]>;
  /** Gives leases back without spending an attempt (clean shutdown). */
  release(token: string, ids: readonly string[]): Promise<string[]>;
  /** Expired leases: back to ready, or dead when no attempts remain. */
  reapExpired(limit: number): Promise<{ requeued: string[]; dead: string[] }>;
  cancel(id: string): Promise<CancelOutcome>;
  /** Requeues dead tasks (all when `ids` is omitted, up to `limit`); returns the ids requeued. */
  replayDead(ids?: readonly string[], limit?: number): Promise<string[]>;
  listDead(limit: number): Promise<TaskStatus[]>;
  status(id: string): Promise<TaskStatus | null>;
  depths(): Promise<RedisDepths>;
  /** For SQS deliveries: the run claim that keeps a task that landed in both queues from running twice. */
  claimRun(envelope: TaskEnvelope, leaseMs: number): Promise<RunClaim>;
  /** Writes journaled outcomes (SQS runs while Redis was down) into the status view. */
  applyJournal(entries: readonly JournalEntry[]): Promise<number>;
  /** Promotes due tasks and arms a wake-up for the next due work (the wake-ups' safety net). */
  promoteDue(limit: number): Promise<Promotion>;
  /** A lock held by `token` for `ttlMs` (e.g. one reconciler at a time); false when someone else holds it. */
  acquireLock(name: string, token: string, ttlMs: number): Promise<boolean>;
  releaseLock(name: string, token: string): Promise<void>;
}
