import { defineScript } from '../redis-script.js';

/**
 * Marks leased tasks succeeded, keeping their result for the status view until the TTL.
 *
 * KEYS[1] active   KEYS[2] succeeded
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] lease token   ARGV[4] result TTL (ms)
 * ARGV[5] number of tasks, then 2 per task: id, result JSON ('' for none)
 *
 * Returns { 'succeeded' | 'lost', ... } in order; 'lost' means the lease had expired or been taken.
 */
export const completeScript = defineScript(
  'complete',
  `
local taskPrefix, now, token, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local out = {}
for i = 0, tonumber(ARGV[5]) - 1 do
  local id, result = ARGV[6 + i * 2], ARGV[7 + i * 2]
  local key = taskPrefix .. id
  local fields = redis.call('HMGET', key, 'state', 'lease')
  if fields[1] == 'running' and fields[2] == token then
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
return out
`,
);
