import type { Runtime } from '../lib/runtime/index.js';
import { type ScheduleHandler, createScheduleHandler as scheduleHandler } from '../lib/triggers/index.js';
import { containerRuntime } from './container.js';

/**
 * The cron trigger (see `lib/triggers`) over `runtime`; `clock` stands in for a missing `time`.
 *
 * @example
 * await createScheduleHandler(runtime)({ schedule: 'nightly', time: '2030-01-01T03:00:00Z', task });
 */
export function createScheduleHandler(runtime: Runtime, clock?: () => number): ScheduleHandler {
  return scheduleHandler({
    enqueue: (input) => runtime.enqueue.enqueue(input),
    logger: runtime.logger,
    metrics: runtime.metrics,
    mapping: runtime.config.events,
    ...(clock !== undefined && { clock }),
  });
}

let schedule: ScheduleHandler | undefined;

/** The Lambda entry point; builds the container's runtime on the first invocation. */
export const handler: ScheduleHandler = (event) => {
  schedule ??= createScheduleHandler(containerRuntime());
  return schedule(event);
};
