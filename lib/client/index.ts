export type {
  BatchItemError,
  BatchItemResult,
  CancelledTask,
  DeadTask,
  DeadTaskList,
  DepthAndAge,
  HealthReport,
  MessageCounts,
  QueueDepths,
  ReplayResult,
  TaskReceipt,
  TaskStatus,
} from './api-answers.js';
export type { FetchLike } from './create-requester.js';
export {
  createTandemClient,
  type ListDeadOptions,
  type TandemClient,
  type TandemClientOptions,
} from './create-tandem-client.js';
export {
  TandemApiError,
  TandemAuthError,
  TandemClientError,
  type TandemClientErrorCode,
  TandemClientErrorCodes,
  TandemConflictError,
  TandemNetworkError,
  TandemNotFoundError,
  TandemTimeoutError,
  TandemUnavailableError,
} from './errors.js';
export type {
  BulkReplayResult,
  DepthSample,
  StateCounts,
  TaskPage,
  TimelineEvent,
  TimelinePage,
} from './ops-answers.js';
export type { ListTasksOptions, ReplayAllOptions, TimelineOptions } from './ops-options.js';
export type { EnqueueBatchItem, EnqueueOptions, PayloadOf, TaskRef } from './to-task-body.js';
