export { type DrainOptions, type DrainSummary, drainQueue } from './drain-queue.js';
export { executeTask, type TaskRun } from './execute-task.js';
export { processSqsBatch, type SqsBatchResult } from './process-sqs-batch.js';
export { type Settlement, settleRun } from './settle-policy.js';
