import type { BreakerState } from '../queue/guard/circuit-breaker.js';
import type { OpsRecord } from '../queue/ops-store.js';
import type { Backend } from '../tasks/task-envelope.js';

/** The kinds of record on the operations timeline (`GET /events`). */
export const OpsEventKinds = {
  /** This container's Redis breaker opened (from closed) or closed again; the flaps between are not kept. */
  breaker: 'breaker',
  /** Tasks this container stored in SQS because Redis did not take them, per minute. */
  failover: 'failover',
  /** Enqueues neither backend accepted (the caller got a 503), per minute. */
  unavailable: 'unavailable',
  /** One outage as this container saw it: from the breaker opening to its closing, and what SQS took. */
  outage: 'outage',
  /** Outcomes journaled during an outage and written back by the reconciler. */
  journalReplayed: 'journal-replayed',
  /** Expired leases the reconciler put back (or buried, when the stall was the last attempt). */
  reaped: 'reaped',
  /** Tasks that spent their attempts (or were unrecoverable) and are now dead. */
  deadLettered: 'dead-lettered',
  /** Dead tasks queued again, one by one or in bulk. */
  replayed: 'replayed',
  /** Limited tasks an SQS batch ran with only this container's limits, Redis being unreachable. */
  limitsUnenforced: 'limits-unenforced',
} as const;
export type OpsEventKind = (typeof OpsEventKinds)[keyof typeof OpsEventKinds];

/** Every event says when (`at`, epoch ms), what, and which container (`source`) saw it. */
interface EventBase {
  at: number;
  source: string;
}

/** The records on the timeline, by kind. */
export type OpsEvent = EventBase &
  (
    | { kind: 'breaker'; from: BreakerState; to: BreakerState }
    | { kind: 'failover' | 'unavailable'; until: number; tasks: number; reason: string }
    | { kind: 'outage'; startedAt: number; endedAt: number; tasksViaSqs: number; unavailable: number }
    | { kind: 'journal-replayed'; entries: number }
    | { kind: 'reaped'; requeued: number; dead: number }
    | { kind: 'dead-lettered'; via: Backend; tasks: number }
    | { kind: 'replayed'; tasks: number; ids: string[]; bulk: boolean }
    | { kind: 'limits-unenforced'; tasks: number }
  );

/** A depth sample, one per reconciler pass: what each backend held (null when it could not answer). */
export interface DepthSample {
  at: number;
  kind: 'depths';
  source: string;
  redis: Record<string, { depth: number; oldestAgeMs: number }> | null;
  sqs: Record<string, { visible: number; inFlight: number; delayed: number }> | null;
}

/** Events and samples as the store keeps them: plain records. */
export const asRecord = (record: OpsEvent | DepthSample): OpsRecord => record as unknown as OpsRecord;
