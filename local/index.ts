export {
  type EnsureTandemQueuesOptions,
  ensureTandemQueues,
  type TandemQueueUrls,
} from './ensure-tandem-queues.js';
export { LocalStackError } from './errors.js';
export {
  type EventSourceStats,
  type SqsBatchHandler,
  type SqsEventSource,
  type SqsEventSourceOptions,
  startSqsEventSource,
} from './event-source/sqs-event-source.js';
export { type EventSourceQueue, type PolledMessage, sqsPollQueue } from './event-source/sqs-poll-queue.js';
export { toSqsRecord } from './event-source/to-sqs-record.js';
export { type LambdaContextOptions, lambdaContext } from './lambda-context.js';
export { type ReconcileTimer, type ReconcileTimerOptions, startReconcileTimer } from './reconcile-timer.js';
export { type RestBridge, type RestBridgeOptions, startRestBridge } from './rest-bridge/index.js';
export {
  createEmulatorClient,
  type QueueSnapshot,
  type SqsEmulator,
  type SqsEmulatorOptions,
  type StoredMessage,
  startSqsEmulator,
} from './sqs-emulator.js';
export {
  type LocalStack,
  type LocalStackInfo,
  type LocalStackOptions,
  startLocalStack,
} from './start-local-stack.js';
