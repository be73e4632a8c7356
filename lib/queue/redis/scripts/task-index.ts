/**
 * Lua pasted into the scripts that first record a task in Redis (enqueue, the run claim, the journal), so
 * that the listing (`GET /tasks`) sees every task Redis knows. The index is one sorted set whose scores
 * are all 0, ordered by member: `<createdAt, 15 digits>:<id>` sorts by creation time, then id, so a page
 * ends at a member and the next page starts strictly after it, however many tasks arrive meanwhile.
 */
export const LUA_TASK_INDEX = `
local function indexTask(indexKey, createdAt, id)
  redis.call('ZADD', indexKey, 0, string.format('%015d', tonumber(createdAt)) .. ':' .. id)
end
`;
