import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';
import { LUA_TASK_INDEX } from './task-index.js';

/**
 * Stores a batch of tasks, deduplicating by id and by idempotency key, and says whether a consumer must be
 * woken now (no consumer holds the slot) and whether a wake-up must be armed for the earliest scheduled task.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] consumer slot   KEYS[4] wake   KEYS[5] task index
 * ARGV[1] task key prefix   ARGV[2] idempotency key prefix   ARGV[3] now (ms)   ARGV[4] idempotency TTL (ms)
 * ARGV[5] how long a wake-up holds the consumer slot (ms)   ARGV[6] number of tasks
 * then 10 per task: id, idempotency key hash ('' for none), envelope JSON, priority, runAt, maxAttempts, type,
 * createdAt, concurrency limit field, rate limit field ('' for none; see limits.ts)
 *
 * Returns { wake (0|1), arm (DelaySeconds of a wake-up to send, or -1), id, state, duplicate (0|1), ... }
 * with one triple per task, in order.
 */
export const enqueueScript = defineScript(
  'enqueue',
  LUA_SHARED +
    LUA_TASK_INDEX +
    `
local taskPrefix, idemPrefix = ARGV[1], ARGV[2]
local now, idemTtl, wakeHold, count = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local out = { 0, -1 }
local storedReady = false
local earliest = nil

for i = 0, count - 1 do
  local base = 7 + i * 10
  local id, idem, envelope = ARGV[base], ARGV[base + 1], ARGV[base + 2]
  local priority, runAt = tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
  local existing = nil
  if idem ~= '' then existing = redis.call('GET', idemPrefix .. idem) end
  if not existing and redis.call('EXISTS', taskPrefix .. id) == 1 then existing = id end

  if existing then
    local state = redis.call('HGET', taskPrefix .. existing, 'state') or 'succeeded'
    table.insert(out, existing); table.insert(out, state); table.insert(out, 1)
  else
    local key = taskPrefix .. id
    local state = 'queued'
    if runAt > now then state = 'scheduled' end
    redis.call('HSET', key, 'envelope', envelope, 'state', state, 'attempt', 0, 'maxAttempts', ARGV[base + 5],
      'type', ARGV[base + 6], 'via', 'redis', 'priority', priority, 'runAt', runAt,
      'createdAt', ARGV[base + 7], 'updatedAt', now)
    if ARGV[base + 8] ~= '' then redis.call('HSET', key, 'climit', ARGV[base + 8]) end
    if ARGV[base + 9] ~= '' then redis.call('HSET', key, 'rlimit', ARGV[base + 9]) end
    if state == 'scheduled' then
      redis.call('ZADD', KEYS[2], runAt, id)
      if not earliest or runAt < earliest then earliest = runAt end
    else
      redis.call('ZADD', KEYS[1], readyScore(priority, runAt), id)
      storedReady = true
    end
    if idem ~= '' then redis.call('SET', idemPrefix .. idem, id, 'PX', idemTtl) end
    indexTask(KEYS[5], ARGV[base + 7], id)
    table.insert(out, id); table.insert(out, state); table.insert(out, 0)
  end
end

if storedReady and redis.call('SET', KEYS[3], 'waking', 'PX', wakeHold, 'NX') then out[1] = 1 end
if earliest then out[2] = armWake(KEYS[4], earliest, now) end
return out
`,
);
