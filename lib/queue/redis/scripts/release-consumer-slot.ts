import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * A draining consumer leaves: frees the slot if it still holds it, and reports the runnable backlog in the
 * same step, so a task enqueued while it was leaving is never stranded (the enqueue either saw the slot
 * held and counts here, or saw it free and woke a consumer itself).
 *
 * With nothing runnable left, it arms a wake-up for when work next becomes due (a delayed task, a retry,
 * a lease's end, a rate window opening), so no consumer needs to stay awake for it.
 *
 * KEYS[1] consumer slot   KEYS[2] ready   KEYS[3] delayed   KEYS[4] active   KEYS[5] wake
 * ARGV[1] consumer id   ARGV[2] now (ms)   ARGV[3] task key prefix
 *
 * Returns { tasks ready or due, arm (DelaySeconds of a wake-up to send, or -1) }.
 */
export const releaseConsumerSlotScript = defineScript(
  'release-consumer-slot',
  LUA_SHARED +
    `
local now = tonumber(ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local backlog = redis.call('ZCARD', KEYS[2]) + redis.call('ZCOUNT', KEYS[3], '-inf', now)
local arm = -1
local due = nextDue(KEYS[3], KEYS[4], ARGV[3])
if backlog == 0 and due then arm = armWake(KEYS[5], due, now) end
return { backlog, arm }
`,
);
