/**
 * Lua helpers pasted at the top of the scripts that need them. Redis scripts cannot import each other,
 * so this is the one place the ready-set score and the terminal-state rule are written.
 *
 * The ready set is ordered by priority first, then by due time (ties broken by the member, and
 * ULIDs sort by creation): score = priority * 2^41 + (dueAt - 2024-01-01), which stays exact in a
 * double for priorities up to 255 and dates until 2093.
 */
export const LUA_SHARED = `
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
`;
