/**
 * Flow control, pasted into the scripts through LUA_SHARED. A task's hash may carry `climit` =
 * `<limit>|<key>` and `rlimit` = `<limit>|<period ms>|<key>` (keys scoped by task type, see script-args.ts).
 * Under `<queue>:limit:` each key has
 *   running:<key>  ZSET id → lease end          the tasks holding a slot (ended leases never count)
 *   starts:<key>   ZSET '<id>:<attempt>' → ms   the sliding window of starts
 *   cwait:<key>    ZSET id → ready score        tasks taken out of ready because the key ran full
 *   rwait:<key>    ZSET id → ready score        tasks taken out of ready because the window was full
 * and the queue has `waiting` (SET of climit values with waiting tasks, the reconciler's safety net) and
 * `opens` (ZSET rlimit value → when its window has room). A full key's tasks leave ready, so they never
 * block the keys behind them; a freed slot or an opened window puts them back, keeping their place.
 */
export const LUA_LIMITS = `
-- Per key, the tasks this script call let back into ready that do not hold a slot yet. A fresh table each
-- call (the chunk runs anew): without it an ack of k tasks of one key refills the room k times over.
local letInNow = {}
local function limitPrefixOf(taskPrefix) return (string.gsub(taskPrefix, 'task:$', 'limit:')) end
local function concurrencyOf(field)
  if not field or field == '' then return nil end
  local limit, key = string.match(field, '^(%d+)|(.*)$')
  return tonumber(limit), key
end
local function rateOf(field)
  if not field or field == '' then return nil end
  local limit, period, key = string.match(field, '^(%d+)|(%d+)|(.*)$')
  return tonumber(limit), tonumber(period), key
end

-- How many of the key's tasks hold a slot: ended leases never count (a crashed consumer frees its slot).
-- Entries leave when their slot is freed (an ack, a release, a reap); the reconciler's refill of a key
-- with waiting tasks also drops its ended ones.
local function runningCount(lp, key, now)
  return redis.call('ZCOUNT', lp .. 'running:' .. key, '(' .. now, '+inf')
end

-- Time in a window only moves forward: callers' clocks are read before their request travels, so a call
-- can run after one that read a later time. Were the older time used, the later call's pruning would have
-- dropped starts the older one must count, and a window could hold more than limit. So a window's time is
-- the later of now and its newest start, and a start is recorded at that time.
local function windowTime(starts, now)
  local newest = tonumber(redis.call('ZRANGE', starts, -1, -1, 'WITHSCORES')[2])
  if newest and newest > now then return newest end
  return now
end

-- The key's window at its time, older starts dropped: { count, at, oldest (filled in when asked) }. A start
-- counts while it is younger than the period, so no window of that length ever holds more than limit.
local function windowOf(starts, period, now)
  local at = windowTime(starts, now)
  redis.call('ZREMRANGEBYSCORE', starts, '-inf', at - period)
  return { count = redis.call('ZCARD', starts), at = at }
end

-- When a full window next has room, or nil when it has room now.
local function fullUntil(starts, window, limit, period)
  if window.count < limit then return nil end
  window.oldest = window.oldest or tonumber(redis.call('ZRANGE', starts, 0, 0, 'WITHSCORES')[2])
  return window.oldest + period
end

-- What this script call has counted per key, so a claim that looks at many tasks of one key asks Redis once:
-- seen[climit] = tasks holding a slot, seen[rlimit] = { count, oldest, at } of the window (at: its time,
-- see windowTime). Kept up as slots are taken; forgotten when one frees. A fresh table each call.
local seen = {}

-- What holds the task back: nil (it may start), 'concurrency', or 'rate' and when the window opens.
local function heldBy(lp, climit, rlimit, now)
  local cl, ck = concurrencyOf(climit)
  if cl then
    seen[climit] = seen[climit] or runningCount(lp, ck, now)
    if seen[climit] >= cl then return 'concurrency' end
  end
  local rl, rp, rk = rateOf(rlimit)
  if not rl then return nil end
  local starts = lp .. 'starts:' .. rk
  seen[rlimit] = seen[rlimit] or windowOf(starts, rp, now)
  local opensAt = fullUntil(starts, seen[rlimit], rl, rp)
  if opensAt then return 'rate', opensAt end
  return nil
end

-- Takes a task that may not start into its key's waiting set, where a freed slot or the window finds it.
local function park(lp, id, score, held, climit, rlimit, opensAt)
  if held == 'concurrency' then
    local _, ck = concurrencyOf(climit)
    redis.call('ZADD', lp .. 'cwait:' .. ck, score, id)
    redis.call('SADD', lp .. 'waiting', climit)
  else
    local _, _, rk = rateOf(rlimit)
    redis.call('ZADD', lp .. 'rwait:' .. rk, score, id)
    redis.call('ZADD', lp .. 'opens', opensAt, rlimit)
  end
end

-- The task starts: it holds a slot until its lease ends and counts in its window.
local function takeSlot(lp, id, attempt, climit, rlimit, leaseUntil, now)
  local cl, ck = concurrencyOf(climit)
  if cl then
    redis.call('ZADD', lp .. 'running:' .. ck, leaseUntil, id)
    if seen[climit] then seen[climit] = seen[climit] + 1 end
    if (letInNow[climit] or 0) > 0 then letInNow[climit] = letInNow[climit] - 1 end
  end
  local rl, _, rk = rateOf(rlimit)
  if not rl then return end
  local starts = lp .. 'starts:' .. rk
  local window = seen[rlimit]
  local at = (window and window.at) or windowTime(starts, now)
  redis.call('ZADD', starts, at, id .. ':' .. attempt)
  if window then
    if window.count == 0 then window.oldest = at end
    window.count = window.count + 1
  end
end

-- Moves up to n waiting tasks back to ready with their old score; entries whose task moved on are dropped.
local function unpark(waitKey, readyKey, taskPrefix, n)
  local moved = 0
  while moved < n do
    local popped = redis.call('ZPOPMIN', waitKey, n - moved)
    if #popped == 0 then break end
    for i = 1, #popped, 2 do
      if redis.call('HGET', taskPrefix .. popped[i], 'state') == 'queued' then
        redis.call('ZADD', readyKey, popped[i + 1], popped[i])
        moved = moved + 1
      end
    end
  end
  return moved
end

-- Fills the key's free slots from its waiting tasks, if it has any. Returns how many went back to ready.
local function refillConcurrency(lp, readyKey, taskPrefix, climit, now)
  local cl, ck = concurrencyOf(climit)
  local waitKey = lp .. 'cwait:' .. ck
  if redis.call('EXISTS', waitKey) == 0 then return 0 end
  local room = cl - runningCount(lp, ck, now) - (letInNow[climit] or 0)
  if room <= 0 then return 0 end
  local moved = unpark(waitKey, readyKey, taskPrefix, room)
  letInNow[climit] = (letInNow[climit] or 0) + moved
  if redis.call('EXISTS', waitKey) == 0 then redis.call('SREM', lp .. 'waiting', climit) end
  return moved
end

-- A running task gives up its slot (done, failed, reaped, given back). Returns how many tasks it let in.
local function freeSlot(lp, readyKey, taskPrefix, id, climit, now)
  local limit, key = concurrencyOf(climit)
  if not limit then return 0 end
  redis.call('ZREM', lp .. 'running:' .. key, id)
  seen[climit] = nil
  return refillConcurrency(lp, readyKey, taskPrefix, climit, now)
end

-- Windows that have room again let their waiting tasks back into ready, as many as fit; a key that still
-- has tasks waiting is looked at again when the oldest start leaves its window. Returns how many went back.
local function openWindows(lp, readyKey, taskPrefix, now, max)
  local opens = lp .. 'opens'
  local moved = 0
  for _, rlimit in ipairs(redis.call('ZRANGEBYSCORE', opens, '-inf', now, 'LIMIT', 0, max)) do
    local rl, rp, rk = rateOf(rlimit)
    local waitKey, starts = lp .. 'rwait:' .. rk, lp .. 'starts:' .. rk
    local window = windowOf(starts, rp, now)
    local nextLook = fullUntil(starts, window, rl, rp)
    if not nextLook then
      moved = moved + unpark(waitKey, readyKey, taskPrefix, rl - window.count)
      nextLook = (tonumber(redis.call('ZRANGE', starts, 0, 0, 'WITHSCORES')[2]) or window.at) + rp
    end
    if redis.call('EXISTS', waitKey) == 1 then redis.call('ZADD', opens, nextLook, rlimit)
    else redis.call('ZREM', opens, rlimit) end
  end
  return moved
end

-- The reconciler's safety net: keys with waiting tasks and free slots (a slot freed by lease expiry
-- alone, say) are refilled. Returns how many went back.
local function refillWaiting(lp, readyKey, taskPrefix, now, max)
  local moved = 0
  for _, climit in ipairs(redis.call('SRANDMEMBER', lp .. 'waiting', max)) do
    local _, key = concurrencyOf(climit)
    redis.call('ZREMRANGEBYSCORE', lp .. 'running:' .. key, '-inf', now)
    if redis.call('EXISTS', lp .. 'cwait:' .. key) == 0 then redis.call('SREM', lp .. 'waiting', climit)
    else moved = moved + refillConcurrency(lp, readyKey, taskPrefix, climit, now) end
  end
  return moved
end
`;
