import type { TaskEnvelope } from '../../tasks/task-envelope.js';
import type {
  ClaimRequest,
  JournalEntry,
  LeasingTaskQueue,
  TaskFailure,
  TaskSuccess,
} from '../task-queue.js';
import type { SendWake } from '../wake/send-wake.js';
import type { RedisGuard } from './redis-guard.js';

/** The Redis port plus the health probe. */
export type RedisTaskPort = LeasingTaskQueue & { ping(): Promise<void> };

/**
 * The Redis queue as everything outside `lib/queue` sees it: the same port, every method behind the one
 * {@link RedisGuard}. Enqueue, the drain loop, the SQS consumer's run claim, the reconciler, status and
 * dead letters all share one breaker this way, so a Redis outage seen by any of them spares the others
 * their deadline. A wake-up a script armed is sent here, after the call and outside its deadline, so a
 * slow SQS can never make a stored task look like a Redis failure.
 */
export class GuardedTaskQueue implements RedisTaskPort {
  readonly backend = 'redis' as const;
  readonly #queue: RedisTaskPort;
  readonly #guard: RedisGuard;

  readonly #sendWake: SendWake;

  constructor(queue: RedisTaskPort, guard: RedisGuard, sendWake: SendWake = async () => {}) {
    this.#queue = queue;
    this.#guard = guard;
    this.#sendWake = sendWake;
  }

  async #armed<T extends { armWake?: number }>(result: T): Promise<T> {
    if (result.armWake !== undefined) await this.#sendWake(result.armWake);
    return result;
  }

  enqueue(tasks: readonly TaskEnvelope[]) {
    return this.#guard
      .call('enqueue', () => this.#queue.enqueue(tasks))
      .then((result) => this.#armed(result));
  }
  claim(request: ClaimRequest) {
    return this.#guard.call('claim', () => this.#queue.claim(request)).then((result) => this.#armed(result));
  }
  releaseConsumerSlot(consumerId: string) {
    return this.#guard
      .call('release-consumer-slot', () => this.#queue.releaseConsumerSlot(consumerId))
      .then((result) => this.#armed(result));
  }
  complete(token: string, successes: readonly TaskSuccess[]) {
    return this.#guard
      .call('complete', () => this.#queue.complete(token, successes))
      .then((result) => this.#armed(result));
  }
  fail(token: string, failures: readonly TaskFailure[]) {
    return this.#guard
      .call('fail', () => this.#queue.fail(token, failures))
      .then((result) => this.#armed(result));
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
    return this.#guard
      .call('promote-due', () => this.#queue.promoteDue(limit))
      .then((result) => this.#armed(result));
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
