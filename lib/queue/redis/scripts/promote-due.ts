import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * The reconciler's pass over the backlog: promotes due tasks, and reserves the consumer slot when work is
 * ready and no consumer holds it, so exactly one caller wakes a consumer.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] consumer slot
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] max promotions   ARGV[4] how long a wake-up holds the slot (ms)
 *
 * Returns { promoted, ready, wake (0|1) }.
 */
export const promoteDueScript = defineScript(
  'promote-due',
  LUA_SHARED +
    `
local promoted = promoteDue(KEYS[2], KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
local ready = redis.call('ZCARD', KEYS[1])
local wake = 0
if ready > 0 and redis.call('SET', KEYS[3], 'waking', 'PX', tonumber(ARGV[4]), 'NX') then wake = 1 end
return { promoted, ready, wake }
`,
);
