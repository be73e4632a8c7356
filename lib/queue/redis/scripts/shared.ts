import { LUA_LIMITS } from './limits.js';

/**
 * Lua helpers pasted at the top of the scripts that need them. Redis scripts cannot import each other,
 * so this is the one place the ready-set score, promotion, reaping and the wake-up rule are written.
 *
 * The ready set is ordered by priority first, then by due time (ties broken by the member, and
 * ULIDs sort by creation): score = priority * 2^41 + (dueAt - 2024-01-01), which stays exact in a
 * double for priorities up to 255 and dates until 2093.
 */
export const LUA_SHARED =
  LUA_LIMITS +
  `
local function readyScore(priority, dueAt)
  local offset = tonumber(dueAt) - 1704067200000
  if offset < 0 then offset = 0 end
  return tonumber(priority) * 2199023255552 + offset
end

-- Moves up to limit due tasks from delayed to ready; entries whose task moved on (cancelled…) are dropped.
local function promoteDue(delayedKey, readyKey, taskPrefix, now, limit)
  local due = redis.call('ZRANGEBYSCORE', delayedKey, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    redis.call('ZREM', delayedKey, id)
    local key = taskPrefix .. id
    local fields = redis.call('HMGET', key, 'state', 'priority', 'runAt')
    if fields[1] == 'scheduled' or fields[1] == 'failed' then
      redis.call('HSET', key, 'state', 'queued', 'updatedAt', now)
      redis.call('ZADD', readyKey, readyScore(fields[2], fields[3]), id)
    end
  end
  return #due
end

-- Expired leases (the consumer crashed or overran): runnable again, or dead when the stalled attempt was
-- the last. Tasks SQS owns are only released: SQS redelivers them. Either way the slot is free again.
-- Returns requeued ids, dead ids.
local function reapLeases(activeKey, readyKey, deadKey, taskPrefix, now, limit)
  local requeued, dead = {}, {}
  local lp = limitPrefixOf(taskPrefix)
  local expired = redis.call('ZRANGEBYSCORE', activeKey, '-inf', now, 'LIMIT', 0, limit)
  local reason = 'lease expired: the consumer crashed or ran out of time'
  for _, id in ipairs(expired) do
    redis.call('ZREM', activeKey, id)
    local key = taskPrefix .. id
    local fields = redis.call('HMGET', key, 'state', 'attempt', 'maxAttempts', 'via', 'priority', 'runAt', 'climit')
    if fields[1] == 'running' then
      redis.call('HDEL', key, 'lease', 'leaseUntil')
      freeSlot(lp, readyKey, taskPrefix, id, fields[7], now)
      if fields[4] == 'sqs' then
        redis.call('HSET', key, 'state', 'failed', 'lastError', reason, 'updatedAt', now)
      elseif tonumber(fields[2]) >= tonumber(fields[3]) then
        redis.call('HSET', key, 'state', 'dead', 'lastError', reason, 'updatedAt', now)
        redis.call('ZADD', deadKey, now, id)
        table.insert(dead, id)
      else
        redis.call('HSET', key, 'state', 'queued', 'lastError', reason, 'updatedAt', now)
        redis.call('ZADD', readyKey, readyScore(fields[5], fields[6]), id)
        table.insert(requeued, id)
      end
    end
  end
  return requeued, dead
end
-- Arms a wake-up for dueAt: returns the DelaySeconds of the one SQS message the caller must send, or -1
-- when the message already armed arrives by then. SQS delays stop at 15 minutes: a longer wait arms the
-- longest, and the drain it starts arms the rest. Rounded down: a wake-up may come early, never late (the
-- drain waits out the remainder). The wake key holds the armed message's arrival time.
local function armWake(wakeKey, dueAt, now)
  local delay = math.floor((dueAt - now) / 1000)
  if delay < 0 then delay = 0 end
  if delay > 900 then delay = 900 end
  local arrival = now + delay * 1000
  local armed = tonumber(redis.call('GET', wakeKey))
  if armed and armed > now and armed <= arrival then return -1 end
  redis.call('SET', wakeKey, arrival, 'PX', delay * 1000 + 60000)
  return delay
end
-- When work next becomes due with no enqueue: the head of delayed (runAt, retryAt), of active (a lease end)
-- or of the rate windows (one opens for tasks waiting on it).
local function nextDue(delayedKey, activeKey, taskPrefix)
  local best = nil
  for _, setKey in ipairs({ delayedKey, activeKey, limitPrefixOf(taskPrefix) .. 'opens' }) do
    local head = redis.call('ZRANGE', setKey, 0, 0, 'WITHSCORES')
    if head[2] and (not best or tonumber(head[2]) < best) then best = tonumber(head[2]) end
  end
  return best
end
`;
