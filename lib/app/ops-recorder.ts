import type { Logger } from '../observability/logger.js';
import type { FailoverEvent } from '../queue/failover/failover-producer.js';
import type { BreakerState } from '../queue/guard/circuit-breaker.js';
import type { OpsRecord, OpsStore } from '../queue/ops-store.js';
import { asRecord, type DepthSample, type OpsEvent } from './ops-events.js';

export interface OpsRecorderOptions {
  /** Where records go: the store behind the Redis guard (a getter, since it is built after the breaker). */
  store: () => Pick<OpsStore, 'append'>;
  /** This container's id, on every record. */
  source: string;
  logger: Logger;
  /** Records held while Redis is away; the oldest give way first. Default 1 000. */
  maxHeld?: number;
  /** How long the breaker must stay closed after a late answer closed it before the outage counts as over. */
  settleMs?: number;
  clock?: () => number;
  /** Runs `flush` at `at` (default: an unref'd timer); how the minute's failover tally gets written. */
  later?: (at: number, flush: () => void) => void;
}

type NewEvent = OpsEvent extends infer E ? (E extends OpsEvent ? Omit<E, 'at' | 'source'> : never) : never;

const MINUTE_MS = 60_000;

interface HeldBatch {
  id: string;
  events: OpsRecord[];
  samples: OpsRecord[];
}

/**
 * Writes the operations timeline of one container. Every record is kept here until Redis has it: while
 * Redis is away the records wait (bounded), and the breaker closing writes them, together with the outage
 * itself (start, end, tasks SQS took). Failovers are tallied per minute and written once the minute is over.
 * Never throws and never holds a caller: writes happen after the fact.
 */
export class OpsRecorder {
  readonly #options: Required<Omit<OpsRecorderOptions, 'store' | 'later'>> &
    Pick<OpsRecorderOptions, 'later'>;
  readonly #store: OpsRecorderOptions['store'];
  #events: OpsRecord[] = [];
  #samples: OpsRecord[] = [];
  #tallies = new Map<string, Extract<OpsEvent, { kind: 'failover' | 'unavailable' }>>();
  #outage: { since: number; tasksViaSqs: number; unavailable: number; closedAt?: number } | undefined;
  #batches: HeldBatch[] = [];
  #batchSeq = 0;
  #flushing: Promise<void> | undefined;
  #again = false;

  constructor({ store, ...options }: OpsRecorderOptions) {
    this.#store = store;
    this.#options = { maxHeld: 1_000, settleMs: 1_000, clock: Date.now, ...options };
  }

  /** When this container saw Redis become unreachable, while it still is. */
  get unreachableSince(): number | undefined {
    this.#settle();
    return this.#outage && this.#outage.closedAt === undefined ? this.#outage.since : undefined;
  }

  /** Keeps an event (stamped with now and this container) and writes it soon. */
  record(event: NewEvent, at = this.#now()): void {
    this.#hold(this.#events, asRecord({ ...event, at, source: this.#options.source } as OpsEvent));
    this.flushSoon();
  }

  /** Dead tasks queued again (the first 50 ids are kept, so a task's own timeline can find its replay). */
  replayed(ids: readonly string[], bulk: boolean): void {
    this.record({ kind: 'replayed', tasks: ids.length, ids: ids.slice(0, 50), bulk });
  }

  sample(sample: Omit<DepthSample, 'kind' | 'source'>): void {
    this.#hold(this.#samples, asRecord({ ...sample, kind: 'depths', source: this.#options.source }));
  }

  /**
   * The breaker's transitions, as outages: one begins when the breaker opens and ends when a probe
   * succeeds (half-open → closed). A direct open → closed is the late answer of a request sent before the
   * breaker opened: it ends the outage only if the breaker stays closed for `settleMs`; reopening within
   * that time continues the same outage. The flaps between open and half-open are not events.
   */
  breaker(from: BreakerState, to: BreakerState): void {
    const now = this.#now();
    this.#settle();
    if (to === 'open') {
      if (this.#outage?.closedAt !== undefined) delete this.#outage.closedAt;
      else if (!this.#outage) {
        this.#outage = { since: now, tasksViaSqs: 0, unavailable: 0 };
        this.record({ kind: 'breaker', from: 'closed', to: 'open' }, now);
      }
      return;
    }
    if (to !== 'closed' || !this.#outage) return;
    this.#outage.closedAt = now;
    if (from === 'half-open') this.#endOutage();
  }

  /** Tallies a failover (or an enqueue nobody took) into this minute's event. */
  failover(event: FailoverEvent): void {
    const minute = Math.floor(this.#now() / MINUTE_MS) * MINUTE_MS;
    const kind = event.kind === 'failover' ? 'failover' : 'unavailable';
    if (this.#outage) this.#outage[kind === 'failover' ? 'tasksViaSqs' : 'unavailable'] += event.tasks;
    const key = `${kind}:${minute}`;
    const tally = this.#tallies.get(key);
    if (tally) {
      tally.tasks += event.tasks;
      tally.reason = event.reason;
      return;
    }
    const { source } = this.#options;
    this.#tallies.set(key, {
      kind,
      at: minute,
      until: minute + MINUTE_MS,
      tasks: event.tasks,
      reason: event.reason,
      source,
    });
    const later = this.#options.later ?? laterByTimer;
    later(minute + MINUTE_MS, () => this.flushSoon());
  }

  /** Starts a flush without waiting for it. */
  flushSoon(): void {
    // After the current call returns: a breaker transition must finish before its record is written.
    queueMicrotask(() => {
      this.flush().catch(() => undefined);
    });
  }

  /** Writes what is held (and the tallies of past minutes); what Redis does not take stays held. */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = this.#write().finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
    if (this.#again) {
      this.#again = false;
      await this.flush();
    }
  }

  /**
   * Sends the held records as batches, oldest first. A batch keeps its id when it is sent again: a write
   * that timed out may still have been applied, and Redis stores each batch id once.
   */
  async #write(): Promise<void> {
    this.#settle();
    this.#closeTallies();
    if (this.#events.length + this.#samples.length > 0) {
      this.#batches.push({
        id: `${this.#options.source}:${this.#batchSeq++}`,
        events: this.#events,
        samples: this.#samples,
      });
      this.#events = [];
      this.#samples = [];
    }
    while (this.#batches.length > 0) {
      const batch = this.#batches[0] as HeldBatch;
      try {
        await this.#store().append(batch);
      } catch (error) {
        // Most often the breaker is open: the batches wait for it to close.
        this.#trimBatches();
        this.#options.logger.debug('timeline records held until Redis answers', {
          error,
          batches: this.#batches.length,
        });
        return;
      }
      this.#batches.shift();
    }
  }

  /** Keeps at most `maxHeld` records in waiting batches: the oldest give way. */
  #trimBatches(): void {
    let held = this.#batches.reduce((sum, batch) => sum + batch.events.length + batch.samples.length, 0);
    while (held > this.#options.maxHeld && this.#batches.length > 1) {
      const dropped = this.#batches.shift() as HeldBatch;
      held -= dropped.events.length + dropped.samples.length;
    }
  }

  /** Ends an outage whose breaker has stayed closed for the settle time. */
  #settle(): void {
    const closedAt = this.#outage?.closedAt;
    if (closedAt !== undefined && this.#now() - closedAt >= this.#options.settleMs) this.#endOutage();
  }

  #endOutage(): void {
    const outage = this.#outage;
    if (outage?.closedAt === undefined) return;
    this.#outage = undefined;
    const { since, tasksViaSqs, unavailable, closedAt } = outage;
    this.record({ kind: 'breaker', from: 'open', to: 'closed' }, closedAt);
    this.record({ kind: 'outage', startedAt: since, endedAt: closedAt, tasksViaSqs, unavailable }, closedAt);
  }

  /** Moves the tallies of minutes that are over into the events to write. */
  #closeTallies(): void {
    const now = this.#now();
    for (const [key, tally] of this.#tallies) {
      if (tally.until > now) continue;
      this.#tallies.delete(key);
      this.#hold(this.#events, asRecord(tally));
    }
  }

  #hold(list: OpsRecord[], record: OpsRecord): void {
    list.push(record);
    if (list.length > this.#options.maxHeld) list.shift();
  }

  #now(): number {
    return this.#options.clock();
  }
}

function laterByTimer(at: number, run: () => void): void {
  setTimeout(run, Math.max(0, at - Date.now()) + 50).unref();
}
