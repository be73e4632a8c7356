// The package entry: what a team imports into its own Lambda handlers. The HTTP client is the second
// entry (`/client`). Everything here is named; nothing else under lib/ is public.
export type { DeadTask } from './app/dead-letter-service.js';
export type { BatchItemResult } from './app/enqueue-service.js';
export type { Health, QueueOverview, TandemApp } from './app/tandem-app.js';
export type { EnqueueOptions, PayloadOf } from './client/to-task-body.js';
export { type Config, ConfigError, loadConfig } from './config/index.js';
export type { ApiHandler } from './handlers/api-handler.js';
export type { ConsumeHandler, LambdaContext, WakeEvent } from './handlers/consume-handler.js';
export type { ReconcileHandler } from './handlers/reconcile-handler.js';
export { createLogger } from './observability/create-logger.js';
export type { Logger, LogLevel } from './observability/logger.js';
export { type Metrics, noMetrics } from './observability/metrics.js';
export {
  type CancelOutcome,
  createSqsClient,
  type EnqueueReceipt,
  EnqueueUnavailableError,
  QueueError,
  QueueLogicError,
  QueueTimeoutError,
  QueueUnavailableError,
  type TaskStatus,
} from './queue/index.js';
export type { DrainSummary } from './runner/drain-queue.js';
export type { SqsBatchResult } from './runner/process-sqs-batch.js';
export {
  type AnyTaskDefinition,
  type BatchItem,
  type CreateTandemOptions,
  createTandem,
  type Tandem,
} from './tandem/create-tandem.js';
export {
  type DefineTaskOptions,
  defineTask,
  type RetryPolicy,
  type TaskContext,
  type TaskDefinition,
  TaskError,
  type TaskLogger,
  type TaskState,
  TaskTimeoutError,
  TaskValidationError,
  UnknownTaskTypeError,
  UnrecoverableTaskError,
} from './tasks/index.js';
export type {
  EventsHandler,
  EventsReport,
  ScheduleHandler,
  ScheduleInput,
  ScheduleResult,
} from './triggers/index.js';
