/** Small numeric helpers shared by every section: medians and percentiles, never means. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Rounds for the report: 3 significant decimals at most, so the JSON stays readable. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export type LatencySummary = {
  p50Ms: number;
  p99Ms: number;
};

export function latencySummary(latenciesMs: readonly number[]): LatencySummary {
  return { p50Ms: round(percentile(latenciesMs, 50)), p99Ms: round(percentile(latenciesMs, 99)) };
}

export type LoadResult = LatencySummary & {
  opsPerSec: number;
};

/**
 * Runs `count` operations with at most `concurrency` in flight (closed loop) and measures throughput
 * and per-operation latency. `operation` gets the index of the item to send.
 */
export async function closedLoop(
  count: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latencies = new Array<number>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      await operation(index);
      latencies[index] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const elapsedMs = performance.now() - started;
  return { opsPerSec: round((count / elapsedMs) * 1000, 0), ...latencySummary(latencies) };
}

/** The median of each field over several runs of the same measurement. */
export function medianOf<T extends Record<string, number>>(runs: readonly T[]): T {
  const first = runs[0];
  if (!first) throw new Error('medianOf needs at least one run');
  const out: Record<string, number> = {};
  for (const key of Object.keys(first)) out[key] = round(median(runs.map((run) => run[key] as number)));
  return out as T;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : round(numerator / denominator, 3);
}
