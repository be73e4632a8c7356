import { defineScript } from '../redis-script.js';
import { LUA_TASK_INDEX } from './task-index.js';

/**
 * Writes what Redis missed while unreachable into the status view: a task accepted via SQS becomes known
 * (queued or scheduled, via sqs; SQS keeps delivering it, so it joins no set), and outcomes of runs are
 * recorded. An entry older than what Redis already knows (a finished task, a later attempt, or any
 * knowledge at all for an `accepted`) changes nothing.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] active   KEYS[4] dead   KEYS[5] task index   KEYS[6] succeeded
 * ARGV[1] task key prefix   ARGV[2] idempotency key prefix   ARGV[3] idempotency TTL (ms)   ARGV[4] result TTL (ms)
 * ARGV[5] number of entries, then 14 per entry: id, state, attempt, finishedAt, error, result JSON,
 *   envelope JSON, type, maxAttempts, createdAt, priority, idempotency key hash ('' for none), via, runAt
 *
 * Returns how many entries changed the view.
 */
export const applyJournalScript = defineScript(
  'apply-journal',
  LUA_TASK_INDEX +
    `
local taskPrefix, idemPrefix, idemTtl, resultTtl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local applied = 0
for i = 0, tonumber(ARGV[5]) - 1 do
  local b = 6 + i * 14
  local id, state, attempt, finishedAt = ARGV[b], ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local key = taskPrefix .. id
  local known = redis.call('HMGET', key, 'state', 'attempt')
  local finished = known[1] == 'succeeded' or known[1] == 'dead' or known[1] == 'cancelled'
  if state == 'accepted' then
    if not known[1] then
      local runAt = tonumber(ARGV[b + 13])
      local accepted = 'queued'
      if runAt > finishedAt then accepted = 'scheduled' end
      redis.call('HSET', key, 'envelope', ARGV[b + 6], 'type', ARGV[b + 7], 'maxAttempts', ARGV[b + 8],
        'createdAt', ARGV[b + 9], 'priority', ARGV[b + 10], 'runAt', runAt, 'state', accepted, 'attempt', 0,
        'via', 'sqs', 'updatedAt', finishedAt)
      indexTask(KEYS[5], ARGV[b + 9], id)
      local idem = ARGV[b + 11]
      if idem ~= '' then redis.call('SET', idemPrefix .. idem, id, 'PX', idemTtl, 'NX') end
      applied = applied + 1
    end
  elseif not finished and (not known[1] or attempt >= tonumber(known[2] or 0)) then
    if not known[1] then
      redis.call('HSET', key, 'envelope', ARGV[b + 6], 'type', ARGV[b + 7], 'maxAttempts', ARGV[b + 8],
        'createdAt', ARGV[b + 9], 'priority', ARGV[b + 10], 'runAt', finishedAt)
      indexTask(KEYS[5], ARGV[b + 9], id)
    end
    redis.call('HSET', key, 'state', state, 'attempt', attempt, 'via', ARGV[b + 12], 'updatedAt', finishedAt)
    redis.call('HDEL', key, 'lease', 'leaseUntil')
    if ARGV[b + 4] ~= '' then redis.call('HSET', key, 'lastError', ARGV[b + 4]) end
    if ARGV[b + 5] ~= '' then redis.call('HSET', key, 'result', ARGV[b + 5]) end
    for k = 1, 3 do redis.call('ZREM', KEYS[k], id) end
    -- A concurrency slot of a task still running here is not freed: that run may be a redelivery of the
    -- one journaled, still under way. Its slot ends with its lease (limits.ts never counts ended leases).
    if state == 'dead' then redis.call('ZADD', KEYS[4], finishedAt, id) end
    if state == 'succeeded' then redis.call('PEXPIRE', key, resultTtl) end
    if state == 'succeeded' then redis.call('ZADD', KEYS[6], finishedAt, id) end
    local idem = ARGV[b + 11]
    if idem ~= '' then redis.call('SET', idemPrefix .. idem, id, 'PX', idemTtl, 'NX') end
    applied = applied + 1
  end
end
return applied
`,
);
