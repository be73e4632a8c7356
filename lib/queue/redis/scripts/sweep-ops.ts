import { defineScript } from '../redis-script.js';

/**
 * Keeps the operations keys bounded: finished-task sets lose entries older than the result TTL (their
 * records have expired), and the next slice of the task index loses entries whose record is gone. The
 * slice starts where the last sweep stopped and wraps around, so every entry is looked at in turn.
 *
 * KEYS[1] task index   KEYS[2] sweep position   KEYS[3] succeeded   KEYS[4] cancelled
 * ARGV[1] task key prefix   ARGV[2] kept since (ms)   ARGV[3] index entries to look at
 *
 * Returns the number of index entries removed.
 */
export const sweepOpsScript = defineScript(
  'sweep-ops',
  `
local taskPrefix, keptSince, slice = ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. keptSince)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. keptSince)
local from = redis.call('GET', KEYS[2])
local min = '-'
if from then min = '(' .. from end
local members = redis.call('ZRANGEBYLEX', KEYS[1], min, '+', 'LIMIT', 0, slice)
local removed = 0
for _, member in ipairs(members) do
  local sep = string.find(member, ':', 1, true)
  if redis.call('EXISTS', taskPrefix .. string.sub(member, sep + 1)) == 0 then
    redis.call('ZREM', KEYS[1], member)
    removed = removed + 1
  end
end
if #members < slice then
  redis.call('DEL', KEYS[2])
else
  redis.call('SET', KEYS[2], members[#members])
end
return removed
`,
);
