import { createTriggerFunctionApp } from '../app/trigger-function-app.js';
import { eventsHandler, scheduleHandler } from '../handlers/trigger-handlers.js';
import type { EventsHandler, ScheduleHandler } from '../triggers/index.js';
import { appOptionsOf, once, type TandemFunctionOptions } from './function-options.js';

/**
 * The schedule function alone: the same handler as `createTandem(…).handlers.schedule`, over enqueue only.
 *
 * @example
 * export const handler = createScheduleFunction({ tasks });
 */
export function createScheduleFunction(options: TandemFunctionOptions = {}): ScheduleHandler {
  return scheduleHandler(once(() => createTriggerFunctionApp(appOptionsOf(options))));
}

/**
 * The events function alone: the same handler as `createTandem(…).handlers.events`, over enqueue only.
 *
 * @example
 * export const handler = createEventsFunction({ tasks });
 */
export function createEventsFunction(options: TandemFunctionOptions = {}): EventsHandler {
  return eventsHandler(once(() => createTriggerFunctionApp(appOptionsOf(options))));
}
