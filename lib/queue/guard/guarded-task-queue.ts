import type { TaskEnvelope } from '../../tasks/task-envelope.js';
import type {
  ClaimRequest,
  JournalEntry,
  LeasingTaskQueue,
  TaskFailure,
  TaskSuccess,
} from '../task-queue.js';
import type { RedisGuard } from './redis-guard.js';

/** The Redis port plus the health probe. */
export type RedisTaskPort = LeasingTaskQueue & { ping(): Promise<void> };

/**
 * The Redis queue as everything outside `lib/queue` sees it: the same port, every method behind the one
 * {@link RedisGuard}. Enqueue, the drain loop, the SQS consumer's run claim, the reconciler, status and
 * dead letters all share one breaker this way, so a Redis outage seen by any of them spares the others
 * their deadline.
 */
export class GuardedTaskQueue implements RedisTaskPort {
  readonly backend = 'redis' as const;
  readonly #queue: RedisTaskPort;
  readonly #guard: RedisGuard;

  constructor(queue: RedisTaskPort, guard: RedisGuard) {
    this.#queue = queue;
    this.#guard = guard;
  }

  enqueue(tasks: readonly TaskEnvelope[]) {
    return this.#guard.call('enqueue', () => this.#queue.enqueue(tasks));
  }
  claim(request: ClaimRequest) {
    return this.#guard.call('claim', () => this.#queue.claim(request));
  }
  releaseConsumerSlot(consumerId: string) {
    return this.#guard.call('release-consumer-slot', () => this.#queue.releaseConsumerSlot(consumerId));
  }
  complete(token: string, successes: readonly TaskSuccess[]) {
    return this.#guard.call('complete', () => this.#queue.complete(token, successes));
  }
  fail(token: string, failures: readonly TaskFailure[]) {
    return this.#guard.call('fail', () => this.#queue.fail(token, failures));
  }
  extendLease(token: string, ids: readonly string[], leaseMs: number) {
    return this.#guard.call('extend-lease', () => this.#queue.extendLease(token, ids, leaseMs));
  }
  release(token: string, ids: readonly string[]) {
    return this.#guard.call('release', () => this.#queue.release(token, ids));
  }
  reapExpired(limit: number) {
    return this.#guard.call('reap-expired', () => this.#queue.reapExpired(limit));
  }
  cancel(id: string) {
    return this.#guard.call('cancel', () => this.#queue.cancel(id));
  }
  replayDead(ids?: readonly string[], limit?: number) {
    return this.#guard.call('replay-dead', () => this.#queue.replayDead(ids, limit));
  }
  listDead(limit: number) {
    return this.#guard.call('list-dead', () => this.#queue.listDead(limit));
  }
  status(id: string) {
    return this.#guard.call('status', () => this.#queue.status(id));
  }
  depths() {
    return this.#guard.call('depths', () => this.#queue.depths());
  }
  claimRun(envelope: TaskEnvelope, leaseMs: number) {
    return this.#guard.call('claim-run', () => this.#queue.claimRun(envelope, leaseMs));
  }
  applyJournal(entries: readonly JournalEntry[]) {
    return this.#guard.call('apply-journal', () => this.#queue.applyJournal(entries));
  }
  promoteDue(limit: number) {
    return this.#guard.call('promote-due', () => this.#queue.promoteDue(limit));
  }
  acquireLock(name: string, token: string, ttlMs: number) {
    return this.#guard.call('lock', () => this.#queue.acquireLock(name, token, ttlMs));
  }
  releaseLock(name: string, token: string) {
    return this.#guard.call('unlock', () => this.#queue.releaseLock(name, token));
  }
  ping() {
    return this.#guard.call('ping', () => this.#queue.ping());
  }
}
