export { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
export { buildEnvelope } from './build-envelope.js';
export {
  type DefineTaskOptions,
  defineTask,
  type TaskContext,
  type TaskDefinition,
  type TaskLogger,
} from './define-task.js';
export {
  TaskError,
  TaskTimeoutError,
  TaskValidationError,
  UnknownTaskTypeError,
  UnrecoverableTaskError,
} from './errors.js';
export { createHttpTask, verifySignature } from './http/index.js';
export { type NewTask, NewTaskSchema } from './new-task.js';
export {
  type Backend,
  type TaskEnvelope,
  TaskEnvelopeSchema,
  type TaskState,
  TaskStates,
} from './task-envelope.js';
export { TaskRegistry } from './task-registry.js';
