import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';
import { LUA_TASK_INDEX } from './task-index.js';

/**
 * The run claim for a task SQS delivered. A task can sit in both queues after a Redis→SQS flap (Redis
 * stored it but answered too late), or be redelivered by SQS; this script lets exactly one delivery run it.
 * When Redis has never seen the task, it records it here, as running via SQS, so the status view knows it.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] active   KEYS[4] task index
 * ARGV[1] task key prefix   ARGV[2] idempotency key prefix   ARGV[3] now (ms)   ARGV[4] lease (ms)
 * ARGV[5] lease token   ARGV[6] id   ARGV[7] idempotency key hash ('' for none)   ARGV[8] idempotency TTL (ms)
 * ARGV[9] envelope JSON   ARGV[10] priority   ARGV[11] runAt   ARGV[12] maxAttempts   ARGV[13] type
 * ARGV[14] createdAt   ARGV[15] attempts already made according to the delivery
 * ARGV[16] concurrency limit field ('' for none)   ARGV[17] rate limit field ('' for none), see limits.ts
 *
 * Returns { 'run', attempt } | { 'duplicate', state } | { 'busy' } | { 'throttled', when the rate window
 * opens (ms, or -1 when a concurrency slot is awaited) }: a task over its limit is left as it was.
 */
export const claimRunScript = defineScript(
  'claim-run',
  LUA_SHARED +
    LUA_TASK_INDEX +
    `
local taskPrefix, idemPrefix = ARGV[1], ARGV[2]
local now, leaseMs, token, id, idem = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local key = taskPrefix .. id

if idem ~= '' then
  local owner = redis.call('GET', idemPrefix .. idem)
  if owner and owner ~= id then
    return { 'duplicate', redis.call('HGET', taskPrefix .. owner, 'state') or 'succeeded' }
  end
end

local fields = redis.call('HMGET', key, 'state', 'leaseUntil')
local state = fields[1]
if state == 'succeeded' or state == 'dead' or state == 'cancelled' then return { 'duplicate', state } end
if state == 'running' and tonumber(fields[2] or 0) > now then return { 'busy' } end
local lp, climit, rlimit = limitPrefixOf(taskPrefix), ARGV[16], ARGV[17]
local held, opensAt = heldBy(lp, climit, rlimit, now)
if held then return { 'throttled', opensAt or -1 } end

local attempt
if not state then
  attempt = tonumber(ARGV[15]) + 1
  redis.call('HSET', key, 'envelope', ARGV[9], 'attempt', attempt, 'maxAttempts', ARGV[12], 'type', ARGV[13],
    'priority', ARGV[10], 'runAt', ARGV[11], 'createdAt', ARGV[14])
  if idem ~= '' then redis.call('SET', idemPrefix .. idem, id, 'PX', tonumber(ARGV[8])) end
  indexTask(KEYS[4], ARGV[14], id)
else
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  attempt = redis.call('HINCRBY', key, 'attempt', 1)
end
redis.call('HSET', key, 'state', 'running', 'via', 'sqs', 'lease', token, 'leaseUntil', now + leaseMs,
  'updatedAt', now)
redis.call('ZADD', KEYS[3], now + leaseMs, id)
-- The delivery's limits win: a task Redis first heard of from the journal has none stored yet.
if climit ~= '' then redis.call('HSET', key, 'climit', climit) end
if rlimit ~= '' then redis.call('HSET', key, 'rlimit', rlimit) end
takeSlot(lp, id, attempt, climit, rlimit, now + leaseMs, now)
return { 'run', attempt }
`,
);
