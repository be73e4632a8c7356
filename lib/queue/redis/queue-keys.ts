import { createHash } from 'node:crypto';

/**
 * Every Redis key Tandem touches, built here and nowhere else. One hash tag per queue keeps all of a
 * queue's keys in one cluster slot, so each script may touch them together.
 */
export function queueKeys(queueName: string) {
  const prefix = `{tandem:${queueName}}`;
  return {
    prefix,
    ready: `${prefix}:ready`,
    delayed: `${prefix}:delayed`,
    active: `${prefix}:active`,
    dead: `${prefix}:dead`,
    sequence: `${prefix}:seq`,
    consumerSlot: `${prefix}:consumer`,
    /** When the armed wake-up message arrives (epoch ms): one outstanding SQS wake-up per queue. */
    wake: `${prefix}:wake`,
    /** Prefixes passed to scripts, which append the task id or idempotency key. */
    taskPrefix: `${prefix}:task:`,
    idempotencyPrefix: `${prefix}:idem:`,
    task: (id: string) => `${prefix}:task:${id}`,
    idempotency: (key: string) => `${prefix}:idem:${key}`,
    lock: (name: string) => `${prefix}:lock:${name}`,
    // Operations (the listing, counts per state, the timeline): see docs/architecture.md, "Redis layout".
    /** Every task Redis knows, newest last, by member `<createdAt, 15 digits>:<id>` (all scores 0: lex order). */
    index: `${prefix}:index`,
    /** Where the index sweep left off, so each pass looks at the next slice. */
    indexSweep: `${prefix}:index-sweep`,
    /** Finished tasks still kept, by time finished: counts per state. */
    succeeded: `${prefix}:succeeded`,
    cancelled: `${prefix}:cancelled`,
    /** The operations timeline (a capped stream). */
    events: `${prefix}:events`,
    /** Depth samples, one per reconciler pass (a capped stream). */
    samples: `${prefix}:samples`,
    /** Marks a batch of timeline records as stored, for an hour, so a batch sent again is stored once. */
    opsBatch: (id: string) => `${prefix}:ops-batch:${createHash('sha256').update(id).digest('base64url')}`,
  };
}

export type QueueKeys = ReturnType<typeof queueKeys>;

/**
 * Idempotency keys are caller input: hashed, they can never reach outside the queue's prefix, and their
 * length does not matter.
 */
export function idempotencyHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
