import { defineScript } from '../redis-script.js';

/**
 * Read-only: one page of the task listing, newest first, from the task index (see task-index.ts). It
 * looks at no more than `budget` index entries, so a selective filter answers with a short page and a
 * cursor rather than scanning everything; entries whose task expired are skipped.
 *
 * KEYS[1] task index
 * ARGV[1] task key prefix   ARGV[2] cursor: the index member to continue after ('' = from the newest)
 * ARGV[3] limit   ARGV[4] budget (index entries to look at)   ARGV[5] state ('' = any)   ARGV[6] type ('' = any)
 * ARGV[7] text the task's envelope (its payload) must contain ('' = any)
 *
 * Returns { next cursor ('' at the end), then id, { field, value, ... } per task }.
 */
export const listTasksScript = defineScript(
  'list-tasks',
  `
local taskPrefix, cursor = ARGV[1], ARGV[2]
local limit, budget = tonumber(ARGV[3]), tonumber(ARGV[4])
local wantState, wantType, text = ARGV[5], ARGV[6], ARGV[7]
local names = { 'state', 'type', 'via', 'attempt', 'maxAttempts', 'createdAt', 'updatedAt', 'runAt', 'lastError' }
local out = { '' }
local found, scanned, last, ended = 0, 0, cursor, false
local max = '+'
if cursor ~= '' then max = '(' .. cursor end

while found < limit and scanned < budget do
  local want = math.min(100, budget - scanned)
  local page = redis.call('ZREVRANGEBYLEX', KEYS[1], max, '-', 'LIMIT', 0, want)
  local processed = 0
  for _, member in ipairs(page) do
    processed = processed + 1
    scanned = scanned + 1
    last = member
    local sep = string.find(member, ':', 1, true)
    local id = string.sub(member, sep + 1)
    local key = taskPrefix .. id
    local f = redis.call('HMGET', key, unpack(names))
    -- A task created again under a reused id after its record expired is listed under its new entry only.
    local current = f[1] and tonumber(f[6]) == tonumber(string.sub(member, 1, sep - 1))
    local match = current and (wantState == '' or f[1] == wantState) and (wantType == '' or f[2] == wantType)
    if match and text ~= '' then
      match = string.find(redis.call('HGET', key, 'envelope') or '', text, 1, true) ~= nil
    end
    if match then
      local fields = {}
      for i, name in ipairs(names) do
        if f[i] then table.insert(fields, name); table.insert(fields, f[i]) end
      end
      table.insert(out, id); table.insert(out, fields)
      found = found + 1
      if found == limit then break end
    end
  end
  if #page < want and processed == #page then ended = true end
  if ended or found >= limit then break end
  max = '(' .. last
end

if not ended then out[1] = last end
return out
`,
);
