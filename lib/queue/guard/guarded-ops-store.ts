import type { DeadTaskFilter, OpsBatch, OpsStore, TaskListQuery } from '../ops-store.js';
import type { RedisGuard } from './redis-guard.js';

/**
 * The operations store behind the same {@link RedisGuard} as the queue: one breaker for every Redis call,
 * so a listing or a timeline write during an outage fails at once instead of spending a deadline.
 */
export class GuardedOpsStore implements OpsStore {
  readonly #store: OpsStore;
  readonly #guard: RedisGuard;

  constructor(store: OpsStore, guard: RedisGuard) {
    this.#store = store;
    this.#guard = guard;
  }

  listTasks(query: TaskListQuery) {
    return this.#guard.call('list-tasks', () => this.#store.listTasks(query));
  }
  findByIdempotencyKey(key: string) {
    return this.#guard.call('read-idempotent', () => this.#store.findByIdempotencyKey(key));
  }
  countStates() {
    return this.#guard.call('count-states', () => this.#store.countStates());
  }
  append(records: OpsBatch) {
    return this.#guard.call('append-ops', () => this.#store.append(records));
  }
  readEvents(from: { since: number } | { afterEntry: string }, limit: number) {
    return this.#guard.call('read-events', () => this.#store.readEvents(from, limit));
  }
  readSamples(since: number, limit: number) {
    return this.#guard.call('read-samples', () => this.#store.readSamples(since, limit));
  }
  selectDead(filter: DeadTaskFilter, limit: number) {
    return this.#guard.call('select-dead', () => this.#store.selectDead(filter, limit));
  }
  replayDeadAt(starts: readonly { id: string; runAt: number }[]) {
    return this.#guard.call('replay-dead-at', () => this.#store.replayDeadAt(starts));
  }
  sweep() {
    return this.#guard.call('sweep-ops', () => this.#store.sweep());
  }
}
