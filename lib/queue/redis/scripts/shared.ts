/**
 * Lua helpers pasted at the top of the scripts that need them. Redis scripts cannot import each other,
 * so this is the one place the ready-set score and the terminal-state rule are written.
 *
 * The ready set is ordered by priority first, then by due time (ties broken by the member, and
 * ULIDs sort by creation): score = priority * 2^41 + (dueAt - 2024-01-01), which stays exact in a
 * double for priorities up to 255 and dates until 2093.
 */
export const LUA_SHARED = `
local function readyScore(priority, dueAt)
  local offset = tonumber(dueAt) - 1704067200000
  if offset < 0 then offset = 0 end
  return tonumber(priority) * 2199023255552 + offset
end

local function isFinished(state)
  return state == 'succeeded' or state == 'dead' or state == 'cancelled'
end
`;
