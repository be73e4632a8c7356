import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Marks leased tasks succeeded, keeping their result for the status view until the TTL. Each frees its
 * concurrency slot; when that lets waiting tasks into ready and no consumer holds the slot (an SQS delivery
 * finished), a wake-up is armed for now.
 *
 * KEYS[1] active   KEYS[2] succeeded   KEYS[3] ready   KEYS[4] consumer slot   KEYS[5] wake
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] lease token   ARGV[4] result TTL (ms)
 * ARGV[5] number of tasks, then 2 per task: id, result JSON ('' for none)
 *
 * Returns { arm (DelaySeconds of a wake-up to send, or -1), 'succeeded' | 'lost', ... } in order; 'lost'
 * means the lease had expired or been taken.
 */
export const completeScript = defineScript(
  'complete',
  LUA_SHARED +
    `
local taskPrefix, now, token, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local lp = limitPrefixOf(taskPrefix)
local out = { -1 }
local letIn = 0
for i = 0, tonumber(ARGV[5]) - 1 do
  local id, result = ARGV[6 + i * 2], ARGV[7 + i * 2]
  local key = taskPrefix .. id
  local fields = redis.call('HMGET', key, 'state', 'lease', 'climit')
  if fields[1] == 'running' and fields[2] == token then
    letIn = letIn + freeSlot(lp, KEYS[3], taskPrefix, id, fields[3], now)
    redis.call('HSET', key, 'state', 'succeeded', 'updatedAt', now, 'result', result)
    redis.call('HDEL', key, 'lease', 'leaseUntil', 'lastError')
    redis.call('ZREM', KEYS[1], id)
    redis.call('PEXPIRE', key, ttl)
    redis.call('ZADD', KEYS[2], now, id)
    table.insert(out, 'succeeded')
  else
    table.insert(out, 'lost')
  end
end
if letIn > 0 and not redis.call('GET', KEYS[4]) then out[1] = armWake(KEYS[5], now, now) end
return out
`,
);
