export { createEventsHandler, type EventsHandler } from './create-events-handler.js';
export {
  createScheduleHandler,
  type ScheduleHandler,
  type ScheduleResult,
} from './create-schedule-handler.js';
export type { EventSource, EventsReport } from './events-report.js';
export { type RejectionCode, RejectionCodes } from './rejection-codes.js';
export { type ScheduleInput, ScheduleInputSchema } from './schedule-processor.js';
export type { TriggerDeps } from './trigger-deps.js';
