/**
 * Why a trigger refused an event or a record: the `code` of a rejection in an events report or a
 * schedule result. Every one of them is final: a retry of the same input would be refused again.
 */
export const RejectionCodes = {
  /** Not an EventBridge, SNS or S3 event at all. */
  unsupportedEvent: 'unsupported_event',
  /** One of an event's `Records` is neither an SNS nor an S3 record. */
  unsupportedRecord: 'unsupported_record',
  /** An EventBridge event, or an input transformer's `{ eventId, task }`, of the wrong shape. */
  invalidEvent: 'invalid_event',
  /** An SNS or S3 record of the wrong shape: a missing or mistyped field, an undecodable object key. */
  invalidRecord: 'invalid_record',
  /** An EventBridge event without a task in `detail.tandem`. */
  noTask: 'no_task',
  /** An SNS message that is not a task, from a topic that is not mapped to a task type. */
  invalidMessage: 'invalid_message',
  /** An S3 record while `S3_TASK_TYPE` is unset. */
  notConfigured: 'not_configured',
  /** The task itself failed validation (unknown type, bad payload, bad options). */
  invalidTask: 'invalid_task',
  /** What the schedule delivered is not `{ schedule, time?, task }`. */
  invalidScheduleInput: 'invalid_schedule_input',
} as const;
export type RejectionCode = (typeof RejectionCodes)[keyof typeof RejectionCodes];
