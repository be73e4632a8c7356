import { defineScript } from '../redis-script.js';

/**
 * Keeps the operations keys bounded: finished-task sets lose entries older than the result TTL (their
 * records have expired), and the next slice of the task index loses entries whose record is gone.
 *
 * Only entries created before the result TTL can have lost their record (a record expires no sooner than
 * a TTL after it finished), so younger ones are never looked at. A cycle walks the older ones slice by
 * slice; when it reaches the end it rests until `rest until`, since what it looked at again would be the
 * same long-lived tasks (dead, far-off schedules): an idle queue costs no lookups between cycles.
 *
 * KEYS[1] task index   KEYS[2] sweep position   KEYS[3] succeeded   KEYS[4] cancelled
 * ARGV[1] task key prefix   ARGV[2] kept since (ms)   ARGV[3] index entries to look at   ARGV[4] now (ms)
 * ARGV[5] rest between cycles (ms)
 *
 * KEYS[2] holds the last member looked at while a cycle is under way, or `rest:<ms>` between cycles.
 * Returns the number of index entries removed.
 */
export const sweepOpsScript = defineScript(
  'sweep-ops',
  `
local taskPrefix, keptSince, slice = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now, rest = tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. keptSince)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. keptSince)
local from = redis.call('GET', KEYS[2])
local restUntil = from and tonumber(string.match(from, '^rest:(%d+)$'))
if restUntil then
  if now < restUntil then return 0 end
  from = nil
end
local min = '-'
if from then min = '(' .. from end
-- Members are '<createdAt, 15 digits>:<id>' (task-index.ts): this bound keeps those created before keptSince.
local max = '(' .. string.format('%015d', keptSince)
local members = redis.call('ZRANGEBYLEX', KEYS[1], min, max, 'LIMIT', 0, slice)
local removed = 0
for _, member in ipairs(members) do
  local sep = string.find(member, ':', 1, true)
  if redis.call('EXISTS', taskPrefix .. string.sub(member, sep + 1)) == 0 then
    redis.call('ZREM', KEYS[1], member)
    removed = removed + 1
  end
end
if #members < slice then
  redis.call('SET', KEYS[2], 'rest:' .. (now + rest))
else
  redis.call('SET', KEYS[2], members[#members])
end
return removed
`,
);
