import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { Backends, TaskEnvelopeSchema } from '../../tasks/task-envelope.js';
import type { JournalEntry } from '../task-queue.js';
import { fifoRecordIds } from './fifo-message-ids.js';
import { scanMessages } from './scan-messages.js';
import { toSqsJson } from './sqs-json.js';
import { type MessageCounts, SqsMessageQueue, type SqsQueueOptions } from './sqs-message-queue.js';
import { taskAttributes } from './task-message.js';

const JournalEntrySchema = z.object({
  envelope: TaskEnvelopeSchema,
  via: z.enum(Backends),
  state: z.enum(['accepted', 'succeeded', 'failed', 'dead']),
  attempt: z.int().check(z.nonnegative()),
  finishedAt: z.int().check(z.nonnegative()),
  error: z.optional(z.string()),
  result: z.optional(z.unknown()),
});

export interface OutageJournalOptions extends SqsQueueOptions {
  /** How long a drain hides what it read while `apply` runs (default 30 s); see `scanMessages`. */
  holdSeconds?: number;
  /** Long-poll wait per page (default 1 s). */
  waitSeconds?: number;
}

export interface DrainResult {
  /** Entries read and handed to `apply`. */
  received: number;
  /** What `apply` answered. */
  applied: number;
  /** Entries removed from the journal (fewer than received only when SQS failed some deletes). */
  deleted: number;
  /** Messages that were not journal entries: removed, returned here so they can be logged. */
  malformed: Array<{ messageId: string; body: string }>;
}

/**
 * What Redis missed while it was unreachable, kept in a small queue until it can be written into Redis:
 * tasks accepted via SQS (`accepted`, so their status is known before they run) and outcomes of runs.
 *
 * @example
 * await journal.record({ envelope, state: 'succeeded', attempt: 1, finishedAt: Date.now() });
 * await journal.drain(100, (entries) => redisQueue.applyJournal(entries));
 */
export class OutageJournal {
  private readonly queue: SqsMessageQueue;
  private readonly holdSeconds: number;
  private readonly waitSeconds: number;

  constructor(client: SQSClient, queueUrl: string, options: OutageJournalOptions) {
    this.queue = new SqsMessageQueue(client, queueUrl, options);
    this.holdSeconds = options.holdSeconds ?? 30;
    this.waitSeconds = options.waitSeconds ?? 1;
  }

  /** Resolves once SQS stored the entry. */
  async record(entry: JournalEntry): Promise<void> {
    await this.recordAll([entry]);
  }

  /** Resolves once SQS stored every entry (batches of ten, one deadline). */
  async recordAll(entries: readonly JournalEntry[]): Promise<void> {
    await this.queue.send(
      entries.map((entry) => ({
        label: entry.envelope.id,
        body: toSqsJson(entry),
        attributes: taskAttributes(entry.envelope),
        ...(this.queue.fifo ? { fifo: fifoRecordIds() } : {}),
      })),
    );
  }

  /**
   * Reads up to `max` entries and hands them to `apply` in one call. When `apply` resolves, every entry it
   * was given counts as handled (written, or skipped as older than what Redis knows) and is deleted. When it
   * throws, nothing is deleted, the entries are made visible again for the next drain, and the error propagates.
   * `apply` must be idempotent: an entry whose delete fails is applied again next time.
   */
  async drain(
    max: number,
    apply: (entries: JournalEntry[]) => Promise<number>,
    waitSeconds = this.waitSeconds,
  ): Promise<DrainResult> {
    const messages = await scanMessages(this.queue, { max, holdSeconds: this.holdSeconds, waitSeconds });
    const entries: JournalEntry[] = [];
    const handles: string[] = [];
    const malformed: DrainResult['malformed'] = [];
    const malformedHandles: string[] = [];
    for (const message of messages) {
      const entry = parseJournalEntry(message.body);
      if (entry) {
        entries.push(entry);
        handles.push(message.receiptHandle);
      } else {
        malformed.push({ messageId: message.messageId, body: message.body });
        malformedHandles.push(message.receiptHandle);
      }
    }
    // Nothing else could ever read a malformed entry; keeping it would only take a slot in every drain.
    if (malformedHandles.length > 0) await this.queue.deleteMessages(malformedHandles);
    if (entries.length === 0) return { received: 0, applied: 0, deleted: 0, malformed };

    let applied: number;
    try {
      applied = await apply(entries);
    } catch (error) {
      await this.queue.changeVisibilities(handles, 0).catch(() => undefined);
      throw error;
    }
    const notDeleted = await this.queue.deleteMessages(handles);
    return { received: entries.length, applied, deleted: handles.length - notDeleted.length, malformed };
  }

  counts(): Promise<MessageCounts> {
    return this.queue.counts();
  }
}

function parseJournalEntry(body: string): JournalEntry | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = JournalEntrySchema.safeParse(json);
  if (!parsed.success) return null;
  const { error, result, ...required } = parsed.data;
  // Rebuilt field by field: with exactOptionalPropertyTypes, an optional key must be absent, not undefined.
  return {
    ...required,
    ...(error !== undefined ? { error } : {}),
    ...(result !== undefined ? { result } : {}),
  };
}
