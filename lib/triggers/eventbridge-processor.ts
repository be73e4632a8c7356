import * as z from 'zod/mini';
import { eventIdLabel } from './event-id-label.js';
import { issuesText } from './issues-text.js';
import { RejectionCodes } from './rejection-codes.js';
import { rejectedCandidate, type TriggerCandidate } from './trigger-candidate.js';
import type { TriggerProcessor } from './trigger-processor.js';

// Deliberately loose: the task's own fields are NewTaskSchema's business, checked by enqueue.
const NewTaskObjectSchema = z.record(z.string(), z.unknown());
// Room for the `eventbridge:` prefix within an idempotency key's 256 characters.
const EventIdSchema = z.string().check(z.minLength(1), z.maxLength(200));

/** An EventBridge event as a target without an input transformer receives it. */
export const EventBridgeEventSchema = z.looseObject({
  id: EventIdSchema,
  'detail-type': z.string(),
  detail: z.unknown(),
});
export type EventBridgeEvent = z.output<typeof EventBridgeEventSchema>;

/** The detail of an event meant for Tandem: the task sits in `detail.tandem`. */
export const TandemDetailSchema = z.looseObject({ tandem: NewTaskObjectSchema });
export type TandemDetail = z.output<typeof TandemDetailSchema>;

/**
 * What a rule's input transformer renders for an event that knows nothing of Tandem, e.g.
 * `{ "eventId": "<id>", "task": { "type": "record", "payload": { "orderId": "<orderId>" } } }`.
 */
export const TransformedEventSchema = z.strictObject({ eventId: EventIdSchema, task: NewTaskObjectSchema });
export type TransformedEvent = z.output<typeof TransformedEventSchema>;

const isRawEvent = (item: Record<string, unknown>) => 'detail-type' in item && 'detail' in item;
const isTransformed = (item: Record<string, unknown>) => 'eventId' in item && 'task' in item;

/**
 * EventBridge: a raw event whose `detail.tandem` is a task, or an input transformer's `{ eventId, task }`.
 * Key: `eventbridge:<event id>`.
 */
export const eventBridgeProcessor: TriggerProcessor = {
  source: 'eventbridge',
  claims: (item, position) => position === 'event' && (isRawEvent(item) || isTransformed(item)),
  process: (item) => (isRawEvent(item) ? fromRawEvent(item) : fromTransformed(item)),
};

function fromRawEvent(item: Record<string, unknown>): TriggerCandidate {
  const event = EventBridgeEventSchema.safeParse(item);
  if (!event.success) {
    const { issues } = event.error;
    return rejectedCandidate(
      'eventbridge',
      eventIdLabel(item.id),
      RejectionCodes.invalidEvent,
      issuesText(issues),
      issues,
    );
  }
  const { id: eventId, detail } = event.data;
  const tandem = TandemDetailSchema.safeParse(detail);
  if (!tandem.success) {
    return rejectedCandidate(
      'eventbridge',
      eventId,
      RejectionCodes.noTask,
      'the event has no detail.tandem task; map it with an input transformer rendering { eventId, task }',
    );
  }
  return taskOf(eventId, tandem.data.tandem);
}

function fromTransformed(item: Record<string, unknown>): TriggerCandidate {
  const event = TransformedEventSchema.safeParse(item);
  if (!event.success) {
    const { issues } = event.error;
    return rejectedCandidate(
      'eventbridge',
      eventIdLabel(item.eventId),
      RejectionCodes.invalidEvent,
      issuesText(issues),
      issues,
    );
  }
  return taskOf(event.data.eventId, event.data.task);
}

function taskOf(eventId: string, task: Record<string, unknown>): TriggerCandidate {
  return { kind: 'task', source: 'eventbridge', eventId, task, idempotencyKey: `eventbridge:${eventId}` };
}
