import { defineScript } from '../redis-script.js';

/**
 * Read-only: the size of each set and the creation time of its head entry, in one round trip.
 *
 * KEYS[1] ready   KEYS[2] delayed   KEYS[3] active   KEYS[4] dead
 * ARGV[1] task key prefix
 *
 * Returns { count, head createdAt ('' when empty), ... } per set, in KEYS order.
 */
export const depthsScript = defineScript(
  'depths',
  `
local out = {}
for k = 1, 4 do
  local head = redis.call('ZRANGE', KEYS[k], 0, 0)
  table.insert(out, redis.call('ZCARD', KEYS[k]))
  if head[1] then
    table.insert(out, redis.call('HGET', ARGV[1] .. head[1], 'createdAt') or '')
  else
    table.insert(out, '')
  end
end
return out
`,
);
