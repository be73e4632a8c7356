import { createHash, randomUUID } from 'node:crypto';
import type { TaskEnvelope } from '../../tasks/task-envelope.js';

/** The FIFO-only fields of a message; both are required by SQS on a FIFO queue. */
export interface FifoMessageIds {
  groupId: string;
  deduplicationId: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The MessageGroupId of a task: its id, not its type. A group is delivered strictly in order, one in-flight
 * batch at a time, so grouping by type would let one task waiting out a retry backoff block every task of
 * its type. Tandem promises no ordering, so one group per task keeps FIFO queues as parallel as standard
 * ones; task ids already fit SQS's 128-character alphabet.
 */
export function fifoGroupId(envelope: TaskEnvelope): string {
  return envelope.id;
}

/**
 * The MessageDeduplicationId of a task (SQS drops a second message with the same id within 5 minutes,
 * and still answers success with the first message's id).
 *
 * - With an idempotency key: a hash of the key, so two enqueues of the same key store one message. Keys are
 *   up to 256 characters of any kind; SQS allows 128 of printable ASCII, and a hex SHA-256 always fits.
 * - Without one: a hash of id, attempt and runAt. An SDK retry of the same send is then dropped, but a
 *   deliberate re-send of the same task (a replay from the dead-letter queue, a re-schedule) is not
 *   silently swallowed: a dropped re-send would be a success SQS reports for a message it did not store.
 */
export function fifoDeduplicationId(envelope: TaskEnvelope): string {
  if (envelope.idempotencyKey !== undefined) return `key-${sha256(envelope.idempotencyKey)}`;
  return `task-${sha256(`${envelope.id}\n${envelope.attempt}\n${envelope.runAt}`)}`;
}

/** Ids for a task message on a FIFO queue. */
export function fifoTaskIds(envelope: TaskEnvelope): FifoMessageIds {
  return { groupId: fifoGroupId(envelope), deduplicationId: fifoDeduplicationId(envelope) };
}

/**
 * Ids for a record that must never be deduplicated (a dead letter, a journal entry): two records about the
 * same task are two facts, and each send is meant to store one. The price: an SDK retry after a lost reply
 * may store a record twice, which their readers tolerate (journal writes and replays are idempotent per task).
 * The group is random too: records need no order, and while one message of a group is received (a listing
 * holds what it read), SQS hides the rest of that group, so two letters of one task could not be listed together.
 */
export function fifoRecordIds(): FifoMessageIds {
  const id = randomUUID();
  return { groupId: id, deduplicationId: id };
}
