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
  clock?: () => number;
  /** Runs `flush` at `at` (default: an unref'd timer); how the minute's failover tally gets written. */
  later?: (at: number, flush: () => void) => void;
}

type NewEvent = OpsEvent extends infer E ? (E extends OpsEvent ? Omit<E, 'at' | 'source'> : never) : never;

const MINUTE_MS = 60_000;

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
  #outage: { since: number; tasksViaSqs: number; unavailable: number } | undefined;
  #flushing: Promise<void> | undefined;
  #again = false;

  constructor({ store, ...options }: OpsRecorderOptions) {
    this.#store = store;
    this.#options = { maxHeld: 1_000, clock: Date.now, ...options };
  }

  /** When this container saw Redis become unreachable, while it still is. */
  get unreachableSince(): number | undefined {
    return this.#outage?.since;
  }

  /** Keeps an event (stamped with now and this container) and writes it soon. */
  record(event: NewEvent): void {
    this.#hold(
      this.#events,
      asRecord({ ...event, at: this.#now(), source: this.#options.source } as OpsEvent),
    );
    this.flushSoon();
  }

  sample(sample: Omit<DepthSample, 'kind' | 'source'>): void {
    this.#hold(this.#samples, asRecord({ ...sample, kind: 'depths', source: this.#options.source }));
  }

  /** The breaker's own transitions: only opening from closed and closing are timeline events. */
  breaker(from: BreakerState, to: BreakerState): void {
    const now = this.#now();
    if (to === 'open' && from === 'closed') {
      this.#outage ??= { since: now, tasksViaSqs: 0, unavailable: 0 };
      this.record({ kind: 'breaker', from, to });
    }
    if (to !== 'closed') return;
    this.record({ kind: 'breaker', from, to });
    const outage = this.#outage;
    this.#outage = undefined;
    if (outage) {
      const { since, tasksViaSqs, unavailable } = outage;
      this.record({ kind: 'outage', startedAt: since, endedAt: now, tasksViaSqs, unavailable });
    }
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

  async #write(): Promise<void> {
    this.#closeTallies();
    const events = this.#events;
    const samples = this.#samples;
    if (events.length + samples.length === 0) return;
    this.#events = [];
    this.#samples = [];
    try {
      await this.#store().append({ events, samples });
    } catch (error) {
      // Most often the breaker is open: the records wait for it to close.
      this.#events = [...events, ...this.#events].slice(-this.#options.maxHeld);
      this.#samples = [...samples, ...this.#samples].slice(-this.#options.maxHeld);
      this.#options.logger.debug('timeline records held until Redis answers', {
        error,
        held: this.#events.length,
      });
    }
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
