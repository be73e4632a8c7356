import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Finds leases that expired (the consumer crashed or overran) and makes their tasks runnable again,
 * or dead when the attempt that stalled was the last. Tasks SQS owns are only released: SQS redelivers them.
 *
 * KEYS[1] active   KEYS[2] ready   KEYS[3] dead
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] max tasks
 *
 * Returns { requeued ids, dead ids }.
 */
export const reapExpiredScript = defineScript(
  'reap-expired',
  LUA_SHARED +
    `
local taskPrefix, now = ARGV[1], tonumber(ARGV[2])
local requeued, dead = {}, {}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local reason = 'lease expired: the consumer crashed or ran out of time'
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  local key = taskPrefix .. id
  local fields = redis.call('HMGET', key, 'state', 'attempt', 'maxAttempts', 'via', 'priority', 'runAt')
  if fields[1] == 'running' then
    redis.call('HDEL', key, 'lease', 'leaseUntil')
    if fields[4] == 'sqs' then
      redis.call('HSET', key, 'state', 'failed', 'lastError', reason, 'updatedAt', now)
    elseif tonumber(fields[2]) >= tonumber(fields[3]) then
      redis.call('HSET', key, 'state', 'dead', 'lastError', reason, 'updatedAt', now)
      redis.call('ZADD', KEYS[3], now, id)
      table.insert(dead, id)
    else
      redis.call('HSET', key, 'state', 'queued', 'lastError', reason, 'updatedAt', now)
      redis.call('ZADD', KEYS[2], readyScore(fields[5], fields[6]), id)
      table.insert(requeued, id)
    end
  end
end
return { requeued, dead }
`,
);
