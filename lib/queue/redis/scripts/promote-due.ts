import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * The reconciler's pass over the backlog: promotes due tasks, and asks for a wake-up when work is ready and
 * no consumer holds the slot. A slot that is only reserved ('waking') counts as free here: the enqueuer that
 * reserved it may never have heard the reply (a Redis stall), so nobody may be on the way.
 *
 * As the safety net of the wake-ups, it also arms one for when work next becomes due, should the armed
 * message have been lost; and of flow control, it lets in waiting tasks whose window opened or whose key
 * has free slots (limits.ts).
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] consumer slot   KEYS[4] active   KEYS[5] wake
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] max promotions   ARGV[4] how long a wake-up holds the slot (ms)
 *
 * Returns { promoted, ready, wake (0|1), arm (DelaySeconds of a wake-up to send, or -1) }.
 */
export const promoteDueScript = defineScript(
  'promote-due',
  LUA_SHARED +
    `
local taskPrefix, now, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local lp = limitPrefixOf(taskPrefix)
local promoted = promoteDue(KEYS[2], KEYS[1], taskPrefix, now, max)
promoted = promoted + openWindows(lp, KEYS[1], taskPrefix, now, max) + refillWaiting(lp, KEYS[1], taskPrefix, now, max)
local ready = redis.call('ZCARD', KEYS[1])
local wake = 0
local holder = redis.call('GET', KEYS[3])
if ready > 0 and (not holder or holder == 'waking') then
  redis.call('SET', KEYS[3], 'waking', 'PX', tonumber(ARGV[4]))
  wake = 1
end
local arm = -1
local due = nextDue(KEYS[2], KEYS[4], taskPrefix)
if due then arm = armWake(KEYS[5], due, now) end
return { promoted, ready, wake, arm }
`,
);
