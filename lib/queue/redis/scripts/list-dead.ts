import { defineScript } from '../redis-script.js';

/**
 * Read-only: the newest `limit` dead tasks with all their fields, in one round trip.
 *
 * KEYS[1] dead
 * ARGV[1] task key prefix   ARGV[2] limit
 *
 * Returns { id, { field, value, ... }, ... }.
 */
export const listDeadScript = defineScript(
  'list-dead',
  `
local out = {}
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)) do
  table.insert(out, id)
  table.insert(out, redis.call('HGETALL', ARGV[1] .. id))
end
return out
`,
);
