import type { JournalEntry } from '../queue/index.js';

export interface CatchUpJournalOptions {
  /** Entries to write back at most, read in pages of ten. */
  maxEntries: number;
  /** Long-poll wait per page: the reconciler can wait a second; a request answering a caller does not. */
  waitSeconds?: number;
}

/** The two ends of a journal catch-up. */
export interface JournalCatchUp {
  drainJournal(
    max: number,
    apply: (entries: JournalEntry[]) => Promise<number>,
    waitSeconds?: number,
  ): Promise<{ received: number; applied: number }>;
  applyJournal(entries: readonly JournalEntry[]): Promise<number>;
}

/**
 * Writes what Redis missed while it was away (tasks accepted via SQS, outcomes of runs) back into Redis,
 * page by page until the journal is empty or `maxEntries` were read. Returns how many changed the view.
 *
 * @example
 * await catchUpJournal({ drainJournal, applyJournal }, { maxEntries: 100, waitSeconds: 0 });
 */
export async function catchUpJournal(ends: JournalCatchUp, options: CatchUpJournalOptions): Promise<number> {
  let applied = 0;
  for (let read = 0; read < options.maxEntries; read += 10) {
    const page = await ends.drainJournal(10, (entries) => ends.applyJournal(entries), options.waitSeconds);
    applied += page.applied;
    if (page.received === 0) break;
  }
  return applied;
}
