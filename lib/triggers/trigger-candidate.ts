import type { EventSource, EventsReport } from './events-report.js';
import type { RejectionCode } from './rejection-codes.js';

type Rejection = EventsReport['rejected'][number];

/** What a processor makes of one event or record: a task to enqueue, a rejection, or nothing to do. */
export type TriggerCandidate =
  | {
      kind: 'task';
      source: EventSource;
      eventId: string;
      task: Record<string, unknown>;
      /** The key derived from the event; a key the task carries itself wins over it. */
      idempotencyKey: string;
    }
  | ({ kind: 'rejected' } & Rejection)
  | { kind: 'ignored'; source: EventSource; eventId: string; reason: string };

/**
 * A rejection, with zod's issues when there are any.
 *
 * @example
 * return rejectedCandidate('sns', eventId, RejectionCodes.invalidRecord, issuesText(issues), issues);
 */
export function rejectedCandidate(
  source: Rejection['source'],
  eventId: string,
  code: RejectionCode,
  message: string,
  issues?: unknown,
): TriggerCandidate {
  return { kind: 'rejected', source, eventId, code, message, ...(issues !== undefined && { issues }) };
}
