import { defineScript } from '../redis-script.js';

/**
 * A draining consumer leaves: frees the slot if it still holds it, and reports the runnable backlog in the
 * same step, so a task enqueued while it was leaving is never stranded (the enqueue either saw the slot
 * held and counts here, or saw it free and woke a consumer itself).
 *
 * KEYS[1] consumer slot   KEYS[2] ready   KEYS[3] delayed
 * ARGV[1] consumer id   ARGV[2] now (ms)
 *
 * Returns the number of tasks ready or due.
 */
export const releaseConsumerSlotScript = defineScript(
  'release-consumer-slot',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('ZCARD', KEYS[2]) + redis.call('ZCOUNT', KEYS[3], '-inf', ARGV[2])
`,
);
