import { defineScript } from '../redis-script.js';

/**
 * Appends operations records: timeline events and depth samples, each to its capped stream (trimmed
 * approximately, so appends stay cheap).
 *
 * KEYS[1] events stream   KEYS[2] samples stream   KEYS[3] batch marker (optional: a batch is stored once)
 * ARGV[1] events kept   ARGV[2] samples kept   ARGV[3] number of events
 * then that many event JSONs, then sample JSONs
 *
 * Returns how many records were appended (0 for a batch already stored).
 */
export const appendOpsScript = defineScript(
  'append-ops',
  `
if KEYS[3] and not redis.call('SET', KEYS[3], '1', 'NX', 'PX', 3600000) then return 0 end
local events = tonumber(ARGV[3])
local written = 0
for i = 4, #ARGV do
  if i < 4 + events then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
  else
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 's', ARGV[i])
  end
  written = written + 1
end
return written
`,
);
