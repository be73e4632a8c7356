import { defineScript } from '../redis-script.js';

/**
 * Read-only: dead tasks matching a filter, oldest death first, looking at no more than `budget` entries.
 *
 * KEYS[1] dead
 * ARGV[1] task key prefix   ARGV[2] died at or after (ms)   ARGV[3] died at or before (ms)
 * ARGV[4] type ('' = any)   ARGV[5] text the last error contains, any case ('' = any)   ARGV[6] limit
 * ARGV[7] budget (dead entries to look at)
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
local found, offset = 0, 0
while found < limit and offset < budget do
  local page = redis.call('ZRANGEBYSCORE', KEYS[1], from, to, 'WITHSCORES', 'LIMIT', offset, 500)
  for i = 1, #page, 2 do
    local id = page[i]
    local f = redis.call('HMGET', taskPrefix .. id, 'state', 'type', 'lastError', 'attempt')
    local match = f[1] == 'dead' and (wantType == '' or f[2] == wantType)
    if match and text ~= '' then
      match = string.find(string.lower(f[3] or ''), text, 1, true) ~= nil
    end
    if match and found < limit then
      table.insert(out, id); table.insert(out, f[2] or ''); table.insert(out, f[3] or '')
      table.insert(out, page[i + 1]); table.insert(out, f[4] or '0')
      found = found + 1
    end
  end
  if #page < 1000 then break end
  offset = offset + 500
end
return out
`,
);
