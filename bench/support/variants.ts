import { type LoadResult, medianOf } from './stats.js';

/** One measured contender: `prepare` builds a run's inputs (not timed), `run` times them. */
export interface Variant<R extends Record<string, number> = LoadResult> {
  name: string;
  prepare?: () => Promise<void> | void;
  run: () => Promise<R>;
}

/**
 * Runs every variant `runs` times, interleaved (A B C A B C …, the order rotated each round) so that a
 * noisy neighbour hurts all of them alike, after one untimed warm-up each; returns each variant's medians.
 * `between` runs before every timed run (e.g. flushing Redis), outside the timing.
 */
export async function compareVariants<R extends Record<string, number>>(
  variants: readonly Variant<R>[],
  runs: number,
  between: () => Promise<void>,
): Promise<Record<string, R & { runs: number }>> {
  const results = new Map<string, R[]>(variants.map((variant) => [variant.name, []]));
  for (const variant of variants) {
    await between();
    await variant.prepare?.();
    await variant.run();
  }
  for (let round = 0; round < runs; round += 1) {
    for (let k = 0; k < variants.length; k += 1) {
      const variant = variants[(round + k) % variants.length] as Variant<R>;
      await between();
      await variant.prepare?.();
      results.get(variant.name)?.push(await variant.run());
    }
  }
  const out: Record<string, R & { runs: number }> = {};
  for (const [name, list] of results) out[name] = { ...medianOf(list), runs: list.length };
  return out;
}
