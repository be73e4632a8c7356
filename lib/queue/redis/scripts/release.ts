import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Gives leased tasks back untouched (a consumer stopping early): queued again, the attempt not spent, the
 * concurrency slot freed and the start taken out of its rate window.
 *
 * KEYS[1] active   KEYS[2] ready
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] lease token   ARGV[4..] ids
 *
 * Returns the ids released.
 */
export const releaseScript = defineScript(
  'release',
  LUA_SHARED +
    `
local taskPrefix, now, token = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local lp = limitPrefixOf(taskPrefix)
local released = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local key = taskPrefix .. id
  local fields = redis.call('HMGET', key, 'state', 'lease', 'priority', 'runAt', 'climit', 'rlimit', 'attempt')
  if fields[1] == 'running' and fields[2] == token then
    redis.call('HINCRBY', key, 'attempt', -1)
    local _, _, rateKey = rateOf(fields[6])
    if rateKey then redis.call('ZREM', lp .. 'starts:' .. rateKey, id .. ':' .. fields[7]) end
    redis.call('HSET', key, 'state', 'queued', 'updatedAt', now)
    redis.call('HDEL', key, 'lease', 'leaseUntil')
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], readyScore(fields[3], fields[4]), id)
    freeSlot(lp, KEYS[2], taskPrefix, id, fields[5], now)
    table.insert(released, id)
  end
end
return released
`,
);
