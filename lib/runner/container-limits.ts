import type { TaskEnvelope } from '../tasks/task-envelope.js';
import { scopedLimitKey } from '../tasks/task-limits.js';

export type Admission = { admitted: true; release: () => void } | { admitted: false; opensAt?: number };

/**
 * Flow control while Redis cannot be asked: the same limits, counted in this container only. One instance
 * lives as long as the container, so the worst case across an outage is the SQS trigger's
 * `maximumConcurrency` containers × the limit (docs/architecture.md, "Flow control").
 */
export class ContainerLimits {
  readonly #running = new Map<string, number>();
  readonly #starts = new Map<string, number[]>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  /** Takes a slot and a start for the task, or says it must wait (and, for a rate, until when). */
  admit({ type, limits }: TaskEnvelope): Admission {
    const { concurrency, rate } = limits ?? {};
    const now = this.#clock();
    const slotKey = concurrency && scopedLimitKey(type, concurrency.key);
    if (slotKey && (this.#running.get(slotKey) ?? 0) >= (concurrency?.limit ?? 0)) return { admitted: false };
    if (rate) {
      const windowKey = scopedLimitKey(type, rate.key);
      const window = (this.#starts.get(windowKey) ?? []).filter((at) => at > now - rate.periodMs);
      const oldest = window[0];
      if (oldest !== undefined && window.length >= rate.limit)
        return { admitted: false, opensAt: oldest + rate.periodMs };
      window.push(now);
      this.#starts.set(windowKey, window);
    }
    if (!slotKey) return { admitted: true, release: () => {} };
    this.#running.set(slotKey, (this.#running.get(slotKey) ?? 0) + 1);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#running.get(slotKey) ?? 1) - 1;
        if (left > 0) this.#running.set(slotKey, left);
        else this.#running.delete(slotKey);
      },
    };
  }
}
