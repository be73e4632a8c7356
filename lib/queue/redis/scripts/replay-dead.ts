import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * Moves dead tasks back to ready with a fresh set of attempts. With no ids, replays the oldest `limit`.
 *
 * KEYS[1] dead   KEYS[2] ready
 * ARGV[1] task key prefix   ARGV[2] now (ms)   ARGV[3] limit   ARGV[4..] ids (optional)
 *
 * Returns the ids replayed (ids that are not dead are skipped).
 */
export const replayDeadScript = defineScript(
  'replay-dead',
  LUA_SHARED +
    `
local taskPrefix, now = ARGV[1], tonumber(ARGV[2])
local ids = {}
if #ARGV > 3 then
  for i = 4, #ARGV do table.insert(ids, ARGV[i]) end
else
  ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
end
local replayed = {}
for _, id in ipairs(ids) do
  local key = taskPrefix .. id
  if redis.call('ZREM', KEYS[1], id) == 1 and redis.call('HGET', key, 'state') == 'dead' then
    local priority = redis.call('HGET', key, 'priority')
    redis.call('HSET', key, 'state', 'queued', 'attempt', 0, 'via', 'redis', 'runAt', now, 'updatedAt', now)
    redis.call('PERSIST', key)
    redis.call('ZADD', KEYS[2], readyScore(priority, now), id)
    table.insert(replayed, id)
  end
end
return replayed
`,
);
