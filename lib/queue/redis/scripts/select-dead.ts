import { defineScript } from '../redis-script.js';

/**
 * Read-only: dead tasks matching a filter, oldest death first, looking at no more than `budget` entries.
 *
 * KEYS[1] dead
 * ARGV[1] task key prefix   ARGV[2] died at or after (ms)   ARGV[3] died at or before (ms)
 * ARGV[4] type ('' = any)   ARGV[5] text the last error contains, any case ('' = any)   ARGV[6] limit
 * ARGV[7] budget (dead entries to look at)   ARGV[8..] only these ids (optional)
 *
 * Returns { id, type, last error, died at, attempt, ... }.
 */
export const selectDeadScript = defineScript(
  'select-dead',
  `
local taskPrefix, from, to = ARGV[1], ARGV[2], ARGV[3]
local wantType, text = ARGV[4], string.lower(ARGV[5])
local limit, budget = tonumber(ARGV[6]), tonumber(ARGV[7])
local out = {}
local found = 0
local function consider(id, diedAt)
  local f = redis.call('HMGET', taskPrefix .. id, 'state', 'type', 'lastError', 'attempt')
  local match = f[1] == 'dead' and (wantType == '' or f[2] == wantType)
  if match and text ~= '' then match = string.find(string.lower(f[3] or ''), text, 1, true) ~= nil end
  if match and found < limit then
    table.insert(out, id); table.insert(out, f[2] or ''); table.insert(out, f[3] or '')
    table.insert(out, diedAt); table.insert(out, f[4] or '0')
    found = found + 1
  end
end

if #ARGV > 7 then
  local low, high = tonumber(from) or -math.huge, tonumber(to) or math.huge
  for i = 8, #ARGV do
    local diedAt = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]))
    if diedAt and diedAt >= low and diedAt <= high then consider(ARGV[i], diedAt) end
  end
  return out
end

local offset = 0
while found < limit and offset < budget do
  local page = redis.call('ZRANGEBYSCORE', KEYS[1], from, to, 'WITHSCORES', 'LIMIT', offset, 500)
  for i = 1, #page, 2 do consider(page[i], page[i + 1]) end
  if #page < 1000 then break end
  offset = offset + 500
end
return out
`,
);
