import { defineScript } from '../redis-script.js';
import { LUA_SHARED } from './shared.js';

/**
 * A paced replay: dead tasks get a fresh set of attempts and each its own start time, so a bulk replay
 * reaches a webhook target at a bounded rate. A start time already due is ready now; a later one waits
 * in the delayed set, scheduled, as any delayed task does.
 *
 * KEYS[1] dead   KEYS[2] ready   KEYS[3] delayed
 * ARGV[1] task key prefix   ARGV[2] now (ms), then 2 per task: id, start at (ms)
 *
 * Returns the ids replayed (ids that are not dead are skipped).
 */
export const replayDeadAtScript = defineScript(
  'replay-dead-at',
  LUA_SHARED +
    `
local taskPrefix, now = ARGV[1], tonumber(ARGV[2])
local replayed = {}
for i = 3, #ARGV - 1, 2 do
  local id, runAt = ARGV[i], tonumber(ARGV[i + 1])
  local key = taskPrefix .. id
  if redis.call('ZREM', KEYS[1], id) == 1 and redis.call('HGET', key, 'state') == 'dead' then
    redis.call('PERSIST', key)
    if runAt > now then
      redis.call('HSET', key, 'state', 'scheduled', 'attempt', 0, 'via', 'redis', 'runAt', runAt, 'updatedAt', now)
      redis.call('ZADD', KEYS[3], runAt, id)
    else
      redis.call('HSET', key, 'state', 'queued', 'attempt', 0, 'via', 'redis', 'runAt', now, 'updatedAt', now)
      redis.call('ZADD', KEYS[2], readyScore(redis.call('HGET', key, 'priority'), now), id)
    end
    table.insert(replayed, id)
  end
end
return replayed
`,
);
