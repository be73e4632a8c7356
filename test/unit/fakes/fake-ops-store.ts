import { QueueUnavailableError } from '../../../lib/queue/errors.js';
import type {
  DeadCandidate,
  DeadTaskFilter,
  OpsBatch,
  OpsRecord,
  OpsStore,
  StoredOpsRecord,
} from '../../../lib/queue/ops-store.js';

/**
 * An {@link OpsStore} in memory: appends keep records in order (a batch id once), dead candidates are a
 * list, and `down` makes every call fail as an unreachable Redis does. `applyThenFail` stores the next
 * append and then throws, like a write that timed out after Redis applied it.
 */
export class FakeOpsStore implements OpsStore {
  down = false;
  applyThenFail = false;
  readonly events: OpsRecord[] = [];
  readonly samples: OpsRecord[] = [];
  readonly dead: DeadCandidate[] = [];
  readonly replays: { id: string; runAt: number }[] = [];
  readonly #batches = new Set<string>();

  async append({ id, events, samples }: OpsBatch): Promise<number> {
    this.#check();
    if (id !== undefined && this.#batches.has(id)) return 0;
    if (id !== undefined) this.#batches.add(id);
    this.events.push(...events);
    this.samples.push(...samples);
    if (this.applyThenFail) {
      this.applyThenFail = false;
      throw new QueueUnavailableError('redis append-ops: timed out after it was applied', 'redis');
    }
    return events.length + samples.length;
  }

  async readEvents(): Promise<StoredOpsRecord[]> {
    this.#check();
    return this.events.map((record, index) => ({ entryId: `${index + 1}-0`, record }));
  }

  async readSamples(): Promise<StoredOpsRecord[]> {
    this.#check();
    return this.samples.map((record, index) => ({ entryId: `${index + 1}-0`, record }));
  }

  async selectDead(filter: DeadTaskFilter, limit: number) {
    this.#check();
    const text = filter.error?.toLowerCase();
    return this.dead
      .filter((task) => filter.type === undefined || task.type === filter.type)
      .filter((task) => text === undefined || task.lastError.toLowerCase().includes(text))
      .filter((task) => filter.ids === undefined || filter.ids.includes(task.id))
      .slice(0, limit);
  }

  async replayDeadAt(starts: readonly { id: string; runAt: number }[]): Promise<string[]> {
    this.#check();
    const replayed: string[] = [];
    for (const start of starts) {
      const index = this.dead.findIndex((task) => task.id === start.id);
      if (index < 0) continue;
      this.dead.splice(index, 1);
      this.replays.push(start);
      replayed.push(start.id);
    }
    return replayed;
  }

  async listTasks() {
    this.#check();
    return { tasks: [], next: null };
  }
  async findByIdempotencyKey() {
    this.#check();
    return null;
  }
  async countStates() {
    this.#check();
    return {
      queued: 0,
      scheduled: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      dead: 0,
      cancelled: 0,
      exact: true,
    };
  }
  async sweep() {
    this.#check();
    return 0;
  }

  #check(): void {
    if (this.down) throw new QueueUnavailableError('redis: connect ECONNREFUSED', 'redis');
  }
}
