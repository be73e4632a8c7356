import type { Config } from '../config/index.js';
import type { EventSource } from './events-report.js';
import type { TriggerCandidate } from './trigger-candidate.js';

/** Whether an item is a whole event or one of an event's `Records`. */
export type ItemPosition = 'event' | 'record';

export interface ProcessContext {
  mapping: Config['events'];
  /** The item's position in the event's `Records`; absent exactly when the item is a whole event. */
  index?: number;
}

/**
 * One event source's boundary. `claims` looks only at the marker the source puts on what it sends (an
 * `EventSource` field, the EventBridge envelope's keys); `process` then validates the item with the
 * source's own zod schema, so a malformed item of a known source is rejected as that source's, with a
 * reason, instead of being taken for something else.
 */
export interface TriggerProcessor {
  readonly source: EventSource;
  claims(item: Record<string, unknown>, position: ItemPosition): boolean;
  /** Never throws for bad input: a malformed item becomes a rejection. */
  process(item: Record<string, unknown>, context: ProcessContext): TriggerCandidate;
}
