/** What tests read to prove how many round trips an operation took. */
export type BridgeStats = {
  /** Every HTTP request received, authorized or not. */
  requests: number;
  /** Requests per path: `/`, `/pipeline`, `/multi-exec`, or whatever else was asked for. */
  byPath: Record<string, number>;
  /** Redis commands received in accepted request bodies (a pipeline of three counts three). */
  commands: number;
};

/** The counting side of {@link BridgeStats}, used by the request handler. */
export type StatsRecorder = {
  readonly stats: Readonly<BridgeStats>;
  countRequest(path: string): void;
  countCommands(count: number): void;
  reset(): void;
};

/** A live counter; `reset()` zeroes it in place so references handed out earlier stay valid. */
export function createStatsRecorder(): StatsRecorder {
  const stats: BridgeStats = { requests: 0, byPath: {}, commands: 0 };
  return {
    stats,
    countRequest(path) {
      stats.requests += 1;
      stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    },
    countCommands(count) {
      stats.commands += count;
    },
    reset() {
      stats.requests = 0;
      stats.byPath = {};
      stats.commands = 0;
    },
  };
}
