import { SqsLimits } from './sqs-limits.js';
import type { ReceivedMessage } from './sqs-message.js';
import type { SqsMessageQueue } from './sqs-message-queue.js';

export interface ScanOptions {
  /** Most messages to collect. */
  max: number;
  /**
   * Seconds each received message stays hidden. SQS has no "peek": receiving is the only way to read, and
   * a message received with visibility 0 comes straight back on the next page, so a multi-page scan holds
   * what it read for a short while and the caller releases or deletes it when done.
   */
  holdSeconds: number;
  /** Long-poll wait per page: short polling may answer empty from a small queue that is not empty. */
  waitSeconds: number;
}

/** Receives page after page until `max` messages or an empty page; each message once, with its latest handle. */
export async function scanMessages(queue: SqsMessageQueue, options: ScanOptions): Promise<ReceivedMessage[]> {
  const byId = new Map<string, ReceivedMessage>();
  while (byId.size < options.max) {
    const page = await queue.receive({
      max: Math.min(SqsLimits.batchEntries, options.max - byId.size),
      waitSeconds: options.waitSeconds,
      visibilityTimeout: options.holdSeconds,
    });
    const before = byId.size;
    // A message seen again replaces the older copy: SQS honours only the most recent receipt handle.
    for (const message of page) byId.set(message.messageId, message);
    if (page.length === 0 || byId.size === before) break;
  }
  return [...byId.values()];
}
