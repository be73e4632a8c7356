import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';

/** What the catalog says of one metric. */
export interface MetricSpec {
  unit: MetricUnit;
  /**
   * The one set of dimension names it is published with, besides the defaults every metric carries
   * (`service`, `queue`). CloudWatch treats each distinct set as a metric of its own, so there is only one.
   */
  dimensions: readonly string[];
}

/**
 * Every metric Tandem publishes (namespace `Tandem`): name, unit and dimension names. `Metrics.add` takes
 * only these names, gets the unit from here and checks the dimension keys against the entry.
 *
 * @example
 * metrics.add('TaskOutcome', 3, { via: 'redis', outcome: 'succeeded' });
 * metrics.add('Failover', 1); // no dimensions of its own
 */
export const MetricCatalog = {
  // Enqueue: the API, the schedule and the event triggers.
  /** Tasks stored, by the queue that took them (`redis`, `sqs`). */
  Enqueued: { unit: 'Count', dimensions: ['via'] },
  /** Tasks that went to SQS because Redis failed or its breaker was open. */
  Failover: { unit: 'Count', dimensions: [] },
  /** Tasks refused because neither queue accepted them. */
  EnqueueUnavailable: { unit: 'Count', dimensions: [] },
  /** Redis circuit breaker changes, by the state entered. */
  BreakerTransition: { unit: 'Count', dimensions: ['to'] },
  /**
   * Repeats dropped: at `enqueue` an idempotency key seen before, at `consume` an SQS redelivery of a task
   * already done.
   */
  DuplicatesSuppressed: { unit: 'Count', dimensions: ['at'] },
  /** Tasks enqueued by a trigger (`schedule`, `eventbridge`, `sns`, `s3`). */
  TriggerEnqueued: { unit: 'Count', dimensions: ['trigger'] },
  /** Trigger inputs that could not become a task. */
  TriggerRejected: { unit: 'Count', dimensions: ['trigger'] },

  // Consume: SQS batches and Redis drains.
  /** Task attempts by path and outcome (succeeded, retry, dead, duplicate, released…). */
  TaskOutcome: { unit: 'Count', dimensions: ['via', 'outcome'] },
  /** Run time of one attempt, by task type, path and outcome. */
  TaskDuration: { unit: 'Milliseconds', dimensions: ['type', 'via', 'outcome'] },
  /** Tasks a Redis drain claimed. */
  TasksClaimed: { unit: 'Count', dimensions: ['via'] },
  /** SQS copies run while Redis could not confirm the run claim. */
  UnverifiedRuns: { unit: 'Count', dimensions: ['via'] },
  /** SQS records handed back to the queue for a later retry. */
  BatchItemFailures: { unit: 'Count', dimensions: ['via'] },
  /**
   * Tasks held back by a concurrency or rate limit: at `redis` parked by a claim until their key has room,
   * at `sqs` records hidden or re-sent for later.
   */
  Throttled: { unit: 'Count', dimensions: ['via'] },
  /** Runs of limited tasks only this container's limits held, because Redis could not be asked. */
  LimitsUnenforced: { unit: 'Count', dimensions: [] },
  /** Length of one consume invocation. */
  ConsumeDuration: { unit: 'Milliseconds', dimensions: ['via'] },

  // Reconcile: one pass a minute.
  /** 1 when the reconciler reached Redis, 0 when not. */
  RedisReachable: { unit: 'Count', dimensions: [] },
  /** Outcomes journaled during a Redis outage and written back. */
  JournalApplied: { unit: 'Count', dimensions: [] },
  /** Expired leases requeued or sent to dead. */
  LeasesReaped: { unit: 'Count', dimensions: [] },
  /** Delayed tasks that became due. */
  TasksPromoted: { unit: 'Count', dimensions: [] },
  /** Tasks per Redis set (`ready`, `delayed`, `active`, `dead`) and per SQS count (`tasks.visible`…). */
  QueueDepth: { unit: 'Count', dimensions: ['backend', 'set'] },
  /** Age of the oldest task per Redis set. */
  OldestAge: { unit: 'Milliseconds', dimensions: ['backend', 'set'] },
} as const satisfies Record<string, MetricSpec>;

/** A metric Tandem publishes. */
export type MetricName = keyof typeof MetricCatalog;

/** The dimension names of metric `N`, as the catalog lists them. */
export type MetricDimensionName<N extends MetricName> = (typeof MetricCatalog)[N]['dimensions'][number];

/** The dimensions `metrics.add` takes for `N`: exactly the catalog's keys, each a string. */
export type MetricDimensions<N extends MetricName> = Readonly<Record<MetricDimensionName<N>, string>>;

/** The arguments after the value: none for a metric without dimensions of its own, else its dimensions. */
export type MetricDimensionArgs<N extends MetricName> = [MetricDimensionName<N>] extends [never]
  ? []
  : [dimensions: MetricDimensions<N>];
