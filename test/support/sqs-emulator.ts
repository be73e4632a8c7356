import { randomBytes } from 'node:crypto';
import { ensureTandemQueues } from '../../local/ensure-tandem-queues.js';
import type { SqsEmulator } from '../../local/sqs-emulator.js';

// The emulator itself lives in lib/local (the local stack embeds it); tests import it from here.
export {
  createEmulatorClient,
  type QueueSnapshot,
  type SqsEmulator,
  type SqsEmulatorOptions,
  type StoredMessage,
  startSqsEmulator,
} from '../../local/sqs-emulator.js';

/** The three queues Tandem uses, with names no other test shares. */
export interface TandemQueues {
  taskQueueUrl: string;
  deadLetterQueueUrl: string;
  journalQueueUrl: string;
}

export interface TandemQueueOptions {
  /** Deliveries before SQS moves a message to the dead-letter queue on its own (the last safety net). */
  maxReceiveCount?: number;
  fifo?: boolean;
  /** Extra attributes for the task queue, e.g. `{ VisibilityTimeout: '5' }`. */
  taskQueueAttributes?: Record<string, string>;
}

/**
 * Creates a task queue redriving to its own dead-letter queue, and a journal queue, under a unique prefix.
 *
 * @example
 * const queues = await createTandemQueues(sqs, 'enqueue', { maxReceiveCount: 3 });
 */
export async function createTandemQueues(
  emulator: SqsEmulator,
  label: string,
  options: TandemQueueOptions = {},
): Promise<TandemQueues> {
  const prefix = `${label.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`;
  const { taskQueueUrl, deadLetterQueueUrl, journalQueueUrl } = await ensureTandemQueues(emulator.client, {
    prefix,
    ...options,
  });
  return { taskQueueUrl, deadLetterQueueUrl, journalQueueUrl };
}
