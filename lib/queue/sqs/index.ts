export { type ChunkLimits, chunkBatches } from './chunk-batches.js';
export { createSqsBackend, type SqsBackend } from './create-sqs-backend.js';
export { createSqsClient, type SqsClientSettings } from './create-sqs-client.js';
export { type FifoMessageIds, fifoDeduplicationId, fifoGroupId } from './fifo-message-ids.js';
export { type DrainResult, OutageJournal, type OutageJournalOptions } from './outage-journal.js';
export { SqsEntryRefusedError } from './send-in-batches.js';
export {
  type DeadLetter,
  SqsDeadLetterQueue,
  type SqsDeadLetterQueueOptions,
  type TakeDeadLetters,
} from './sqs-dead-letter-queue.js';
export { needsHop, remainingDelaySeconds, sendDelaySeconds, visibilityWaitSeconds } from './sqs-delay.js';
export { readSqsDepths, type SqsDepths } from './sqs-depths.js';
export { toQueueError } from './sqs-errors.js';
export { probeSqs, type SqsHealth } from './sqs-health.js';
export { isFifoQueueUrl, SqsLimits } from './sqs-limits.js';
export type { ReceivedMessage } from './sqs-message.js';
export type { MessageCounts, SqsQueueOptions } from './sqs-message-queue.js';
export { SqsTaskQueue, type SqsTaskQueueOptions } from './sqs-task-queue.js';
export { type ParsedTaskBody, parseTaskBody } from './task-message.js';
