import type { Config } from '../config/index.js';
import { getProcessor } from './get-processor.js';
import { isJsonObject } from './is-json-object.js';
import { RejectionCodes } from './rejection-codes.js';
import { rejectedCandidate, type TriggerCandidate } from './trigger-candidate.js';

/**
 * One candidate per record of an event with `Records` (SNS, S3), else one for the event. Each record
 * goes to its own processor, so a bad record is rejected on its own and its siblings still enqueue.
 *
 * @example
 * candidatesOf(s3Event, config.events); // [{ kind: 'task', source: 's3', … }, { kind: 'ignored', … }]
 */
export function candidatesOf(event: unknown, mapping: Config['events']): TriggerCandidate[] {
  if (isJsonObject(event) && Array.isArray(event.Records)) {
    return event.Records.map((record: unknown, index): TriggerCandidate => {
      const processor = getProcessor(record, 'record');
      if (processor === undefined || !isJsonObject(record)) {
        return rejectedCandidate(
          'unknown',
          `record ${index}`,
          RejectionCodes.unsupportedRecord,
          'not an SNS or S3 record',
        );
      }
      return processor.process(record, { mapping, index });
    });
  }
  const processor = getProcessor(event, 'event');
  if (processor === undefined || !isJsonObject(event)) return [unsupported(event)];
  return [processor.process(event, { mapping })];
}

function unsupported(event: unknown): TriggerCandidate {
  const keys = isJsonObject(event) ? Object.keys(event).slice(0, 10).join(', ').slice(0, 200) : typeof event;
  return rejectedCandidate(
    'unknown',
    '',
    RejectionCodes.unsupportedEvent,
    `not an EventBridge, SNS or S3 event (keys: ${keys})`,
  );
}
