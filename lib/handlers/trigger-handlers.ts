import type { TriggerFunctionApp } from '../app/tandem-app.js';
import {
  createEventsHandler,
  createScheduleHandler,
  type EventsHandler,
  type ScheduleHandler,
  type TriggerDeps,
} from '../triggers/index.js';

function triggerDeps(app: TriggerFunctionApp, clock?: () => number): TriggerDeps {
  return {
    enqueue: (input) => app.enqueue(input),
    logger: app.logger,
    metrics: app.metrics,
    mapping: app.config.events,
    ...(clock !== undefined && { clock }),
  };
}

/**
 * The events function over `app()`: EventBridge, SNS and S3 events become tasks (see `lib/triggers`).
 *
 * @example
 * export const handler = eventsHandler(() => app);
 */
export function eventsHandler(app: () => TriggerFunctionApp): EventsHandler {
  let handle: EventsHandler | undefined;
  return (event, context) => {
    const tandem = app();
    if (context) tandem.logger.addContext?.(context);
    handle ??= createEventsHandler(triggerDeps(tandem));
    return handle(event);
  };
}

/**
 * The schedule function over `app()`: a cron run's input becomes one task per scheduled time.
 *
 * @example
 * export const handler = scheduleHandler(() => app);
 */
export function scheduleHandler(app: () => TriggerFunctionApp, clock?: () => number): ScheduleHandler {
  let handle: ScheduleHandler | undefined;
  return (event, context) => {
    const tandem = app();
    if (context) tandem.logger.addContext?.(context);
    handle ??= createScheduleHandler(triggerDeps(tandem, clock));
    return handle(event);
  };
}
