import { defineScript } from '../redis-script.js';
import { LUA_LIMITS } from './limits.js';

/**
 * Extends the leases a consumer still holds, and with them the tasks' concurrency slots.
 *
 * KEYS[1] active
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] lease token   ARGV[4] lease (ms)   ARGV[5..] ids
 *
 * Returns the ids whose lease was extended; the others were lost.
 */
export const extendLeaseScript = defineScript(
  'extend-lease',
  LUA_LIMITS +
    `
local taskPrefix, now, token, leaseMs = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local lp = limitPrefixOf(taskPrefix)
local kept = {}
for i = 5, #ARGV do
  local key = taskPrefix .. ARGV[i]
  local fields = redis.call('HMGET', key, 'state', 'lease', 'climit')
  if fields[1] == 'running' and fields[2] == token then
    redis.call('HSET', key, 'leaseUntil', now + leaseMs)
    local _, concurrencyKey = concurrencyOf(fields[3])
    if concurrencyKey then redis.call('ZADD', lp .. 'running:' .. concurrencyKey, now + leaseMs, ARGV[i]) end
    redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[i])
    table.insert(kept, ARGV[i])
  end
end
return kept
`,
);
