/** Limits SQS enforces (the same in AWS and in the emulator), in one place. */
export const SqsLimits = {
  /** Entries per SendMessageBatch / DeleteMessageBatch / ChangeMessageVisibilityBatch, and messages per receive. */
  batchEntries: 10,
  /**
   * Bytes per batch request (bodies plus attributes). AWS raised the per-message limit to 1 MiB in 2025, but
   * queues created before keep 256 KiB: chunking at 256 KiB works on both and costs only extra requests
   * for very large batches.
   */
  batchBytes: 262_144,
  /** Longest per-message `DelaySeconds` (15 minutes). */
  maxDelaySeconds: 900,
  /** Longest visibility timeout (12 hours). */
  maxVisibilitySeconds: 43_200,
  /** Longest long-poll wait. */
  maxWaitSeconds: 20,
  /** Longest `MessageDeduplicationId` / `MessageGroupId`. */
  maxFifoIdLength: 128,
} as const;

/** AWS names FIFO queues `<name>.fifo`, and their URLs end with that name. */
export function isFifoQueueUrl(queueUrl: string): boolean {
  return queueUrl.endsWith('.fifo');
}
