import type { Runtime } from '../lib/runtime/index.js';
import { type EventsHandler, createEventsHandler as eventsHandler } from '../lib/triggers/index.js';
import { containerRuntime } from './container.js';

/**
 * The events trigger (EventBridge, SNS, S3; see `lib/triggers`) over `runtime`.
 *
 * @example
 * const report = await createEventsHandler(runtime)(snsEvent);
 */
export function createEventsHandler(runtime: Runtime): EventsHandler {
  return eventsHandler({
    enqueue: (input) => runtime.enqueue.enqueue(input),
    logger: runtime.logger,
    metrics: runtime.metrics,
    mapping: runtime.config.events,
  });
}

let events: EventsHandler | undefined;

/** The Lambda entry point; builds the container's runtime on the first invocation. */
export const handler: EventsHandler = (event) => {
  events ??= createEventsHandler(containerRuntime());
  return events(event);
};
