import { eventBridgeProcessor } from './eventbridge-processor.js';
import { isJsonObject } from './is-json-object.js';
import { s3Processor } from './s3-processor.js';
import { snsProcessor } from './sns-processor.js';
import type { ItemPosition, TriggerProcessor } from './trigger-processor.js';

// In order: an item that carries EventBridge's envelope keys is EventBridge's, as it always was.
const processors: readonly TriggerProcessor[] = [eventBridgeProcessor, snsProcessor, s3Processor];

/**
 * The processor for an item: a whole event (EventBridge, an input transformer's `{ eventId, task }`, S3's
 * test event) or one of an event's `Records` (SNS, S3). `undefined` when no source claims it.
 *
 * @example
 * getProcessor(snsEvent.Records[0], 'record'); // snsProcessor
 */
export function getProcessor(item: unknown, position: ItemPosition): TriggerProcessor | undefined {
  if (!isJsonObject(item)) return undefined;
  return processors.find((processor) => processor.claims(item, position));
}
