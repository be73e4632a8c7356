import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Reaps expired leases and promotes due tasks, then leases up to N ready tasks, most urgent first, and
 * arms a wake-up for the end of the new lease (so a consumer that dies holding it is replaced on time).
 * Also refreshes the consumer slot, so enqueuers know a consumer is live.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] active   KEYS[4] consumer slot   KEYS[5] dead   KEYS[6] wake
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] lease (ms)   ARGV[4] max tasks   ARGV[5] lease token
 * ARGV[6] max promotions   ARGV[7] consumer id   ARGV[8] consumer slot TTL (ms)
 *
 * Returns { arm (DelaySeconds of a wake-up to send, or -1), next due (ms, or -1), envelope JSON, attempt, ... }
 * for each leased task. Entries whose task is no longer
 * queued (cancelled, taken over by an SQS delivery, expired) are dropped from ready on the way.
 */
export const claimScript = defineScript(
  'claim',
  LUA_SHARED +
    `
local taskPrefix = ARGV[1]
local now, leaseMs, max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local token = ARGV[5]
redis.call('SET', KEYS[4], ARGV[7], 'PX', ARGV[8])

reapLeases(KEYS[3], KEYS[1], KEYS[5], taskPrefix, now, tonumber(ARGV[6]))
promoteDue(KEYS[2], KEYS[1], taskPrefix, now, tonumber(ARGV[6]))

local out = { -1, -1 }
local leased = 0
while leased < max do
  local popped = redis.call('ZPOPMIN', KEYS[1], max - leased)
  if #popped == 0 then break end
  for i = 1, #popped, 2 do
    local id = popped[i]
    local key = taskPrefix .. id
    if redis.call('HGET', key, 'state') == 'queued' then
      local attempt = redis.call('HINCRBY', key, 'attempt', 1)
      redis.call('HSET', key, 'state', 'running', 'lease', token, 'leaseUntil', now + leaseMs, 'updatedAt', now)
      redis.call('ZADD', KEYS[3], now + leaseMs, id)
      table.insert(out, redis.call('HGET', key, 'envelope'))
      table.insert(out, attempt)
      leased = leased + 1
    end
  end
end
if leased > 0 then out[1] = armWake(KEYS[6], now + leaseMs, now) end
local due = nextDue(KEYS[2], KEYS[3])
if due then out[2] = due end
return out
`,
);
