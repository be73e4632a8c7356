/** Sizes of every section. `--quick` is what CI runs: same shape, smaller counts, fewer repetitions. */
export interface BenchOptions {
  quick: boolean;
  /** Operations per throughput run (enqueue overhead). */
  enqueueOps: number;
  /** Closed-loop concurrency of the enqueue comparisons (section 2 and BullMQ single adds). */
  enqueueConcurrency: number;
  /** Concurrencies tried as a lever in section 2. */
  concurrencyLevers: number[];
  /** Repetitions of each measured variant; the median is reported. */
  runs: number;
  /** Tasks per BullMQ comparison run. */
  bullmqTasks: number;
  /** Consumer concurrency for processing comparisons (Tandem's default CONSUMER_CONCURRENCY). */
  processConcurrency: number;
  failoverTrials: number;
  /** How long Redis stays stalled per failover trial. */
  outageMs: number;
  /** Fresh-process imports per bundle. */
  coldStartRuns: number;
  /** Timers: delayed tasks per path, retried tasks, and stalled leases measured. */
  timerSamples: number;
  /** Timers: delayed tasks spread over `spreadMs` for the SQS-requests count. */
  spreadTasks: number;
  spreadMs: number;
  /** Tasks per drain in the flow-control section (each variant, each run). */
  limitsTasks: number;
  /** Tasks in the cost workload. */
  costTasks: number;
  /** How long BullMQ's waiting Worker is watched for its idle cost. */
  costIdleSeconds: number;
}

export function benchOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  return quick
    ? {
        quick,
        enqueueOps: 2_000,
        enqueueConcurrency: 16,
        concurrencyLevers: [1, 64],
        runs: 3,
        bullmqTasks: 5_000,
        processConcurrency: 10,
        failoverTrials: 1,
        outageMs: 4_000,
        coldStartRuns: 5,
        timerSamples: 10,
        spreadTasks: 300,
        spreadMs: 15_000,
        limitsTasks: 3_000,
        costTasks: 200,
        costIdleSeconds: 10,
      }
    : {
        quick,
        enqueueOps: 10_000,
        enqueueConcurrency: 16,
        concurrencyLevers: [1, 4, 64],
        runs: 5,
        bullmqTasks: 20_000,
        processConcurrency: 10,
        failoverTrials: 3,
        outageMs: 8_000,
        coldStartRuns: 11,
        timerSamples: 40,
        spreadTasks: 1_000,
        spreadMs: 60_000,
        limitsTasks: 10_000,
        costTasks: 1000,
        costIdleSeconds: 30,
      };
}
