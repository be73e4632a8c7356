import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Retry-or-bury for leased tasks that failed, as the settle policy (lib/runner/settle-policy.ts) decided:
 * a retry is scheduled at its retry time (the delayed set), unless SQS owns its retries; a burial is dead.
 *
 * KEYS[1] active   KEYS[2] delayed   KEYS[3] dead   KEYS[4] wake   KEYS[5] ready   KEYS[6] consumer slot
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] lease token
 * ARGV[4] number of tasks, then 4 per task: id, error message, dead (0|1), retry at (ms)
 *
 * Returns { arm (DelaySeconds of a wake-up for the earliest retry, or -1), 'failed' | 'dead' | 'lost', ... }.
 */
export const failScript = defineScript(
  'fail',
  LUA_SHARED +
    `
local taskPrefix, now, token = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local lp = limitPrefixOf(taskPrefix)
local out = { -1 }
local earliest = nil
local letIn = 0
for i = 0, tonumber(ARGV[4]) - 1 do
  local base = 5 + i * 4
  local id, message, dead, retryAt = ARGV[base], ARGV[base + 1], ARGV[base + 2], tonumber(ARGV[base + 3])
  local key = taskPrefix .. id
  local fields = redis.call('HMGET', key, 'state', 'lease', 'via', 'climit')
  if fields[1] == 'running' and fields[2] == token then
    letIn = letIn + freeSlot(lp, KEYS[5], taskPrefix, id, fields[4], now)
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', key, 'lease', 'leaseUntil')
    if dead == '1' then
      redis.call('HSET', key, 'state', 'dead', 'lastError', message, 'updatedAt', now)
      redis.call('ZADD', KEYS[3], now, id)
      table.insert(out, 'dead')
    else
      redis.call('HSET', key, 'state', 'failed', 'lastError', message, 'runAt', retryAt, 'updatedAt', now)
      if fields[3] == 'redis' then
        redis.call('ZADD', KEYS[2], retryAt, id)
        if not earliest or retryAt < earliest then earliest = retryAt end
      end
      table.insert(out, 'failed')
    end
  else
    table.insert(out, 'lost')
  end
end
-- Waiting tasks let in with no consumer about (an SQS delivery failed) need one now.
if letIn > 0 and not redis.call('GET', KEYS[6]) then earliest = now end
if earliest then out[1] = armWake(KEYS[4], earliest, now) end
return out
`,
);
