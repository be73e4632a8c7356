import { defineScript } from '../redis-script.js';

/**
 * Read-only: records of a capped stream (the timeline or the depth samples) from an entry id on,
 * oldest first.
 *
 * KEYS[1] stream
 * ARGV[1] first entry id to return (e.g. '1733000000000-0')   ARGV[2] most entries
 *
 * Returns { entry id, JSON, ... }.
 */
export const readStreamScript = defineScript(
  'read-stream',
  `
local out = {}
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))) do
  table.insert(out, entry[1])
  table.insert(out, entry[2][2] or '')
end
return out
`,
);
