import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Reaps expired leases, promotes due tasks and lets in tasks whose rate window opened, then leases up to N
 * ready tasks, most urgent first, and arms a wake-up for the end of the new lease (so a consumer that dies
 * holding it is replaced on time). A task whose key is at its limit is parked in the key's waiting set
 * (limits.ts) and the scan goes on, so one full key never holds back the others; at most `max scan`
 * entries are looked at per call. Also refreshes the consumer slot, so enqueuers know a consumer is live.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] active   KEYS[4] consumer slot   KEYS[5] dead   KEYS[6] wake
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] lease (ms)   ARGV[4] max tasks   ARGV[5] lease token
 * ARGV[6] max promotions   ARGV[7] consumer id   ARGV[8] consumer slot TTL (ms)   ARGV[9] max scan
 * ARGV[10] max rate-limited tasks (a start is counted at lease, so no more than the caller starts at once)
 *
 * Returns { arm (DelaySeconds of a wake-up to send, or -1), next due (ms, or -1), parked, envelope JSON,
 * attempt, ... } for each leased task. Entries whose task is no longer queued (cancelled, taken over by an
 * SQS delivery, expired) are dropped from ready on the way.
 */
export const claimScript = defineScript(
  'claim',
  LUA_SHARED +
    `
local taskPrefix = ARGV[1]
local now, leaseMs, max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local token, scanBudget, maxRated = ARGV[5], tonumber(ARGV[9]), tonumber(ARGV[10])
local lp = limitPrefixOf(taskPrefix)
redis.call('SET', KEYS[4], ARGV[7], 'PX', ARGV[8])

reapLeases(KEYS[3], KEYS[1], KEYS[5], taskPrefix, now, tonumber(ARGV[6]))
promoteDue(KEYS[2], KEYS[1], taskPrefix, now, tonumber(ARGV[6]))
openWindows(lp, KEYS[1], taskPrefix, now, tonumber(ARGV[6]))

local out = { -1, -1, 0 }
local leased, scanned, rated = 0, 0, 0
local putBack = {}
while leased < max and scanned < scanBudget and rated < maxRated do
  local popped = redis.call('ZPOPMIN', KEYS[1], math.min(max - leased, scanBudget - scanned))
  if #popped == 0 then break end
  for i = 1, #popped, 2 do
    local id = popped[i]
    local key = taskPrefix .. id
    scanned = scanned + 1
    local fields = redis.call('HMGET', key, 'state', 'climit', 'rlimit', 'attempt')
    local rateLimited = rateOf(fields[3]) ~= nil
    if fields[1] == 'queued' and rateLimited and rated >= maxRated then
      -- Not over its limit: this caller just cannot start it now. Back to ready, untouched.
      table.insert(putBack, popped[i + 1])
      table.insert(putBack, id)
    elseif fields[1] == 'queued' then
      local held, opensAt = heldBy(lp, fields[2], fields[3], now)
      if held then
        park(lp, id, popped[i + 1], held, fields[2], fields[3], opensAt)
        out[3] = out[3] + 1
      else
        -- The attempt is counted from the read above, not by HINCRBY: one command fewer per task started.
        local attempt = tonumber(fields[4] or 0) + 1
        redis.call('HSET', key, 'state', 'running', 'attempt', attempt, 'lease', token, 'leaseUntil', now + leaseMs,
          'updatedAt', now)
        redis.call('ZADD', KEYS[3], now + leaseMs, id)
        takeSlot(lp, id, attempt, fields[2], fields[3], now + leaseMs, now)
        table.insert(out, redis.call('HGET', key, 'envelope'))
        table.insert(out, attempt)
        leased = leased + 1
        if rateLimited then rated = rated + 1 end
      end
    end
  end
end
if #putBack > 0 then redis.call('ZADD', KEYS[1], unpack(putBack)) end
if leased > 0 then out[1] = armWake(KEYS[6], now + leaseMs, now) end
-- Work is due now when the scan stopped short of the end of ready: the caller claims again at once.
if (scanned >= scanBudget or rated >= maxRated) and redis.call('ZCARD', KEYS[1]) > 0 then out[2] = now
else
  local due = nextDue(KEYS[2], KEYS[3], taskPrefix)
  if due then out[2] = due end
end
return out
`,
);
