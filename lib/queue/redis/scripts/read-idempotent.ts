import { defineScript } from '../redis-script.js';

/**
 * Read-only: the task an idempotency key belongs to, with all its fields (empty when the key is unknown
 * or its task expired).
 *
 * KEYS[1] idempotency key (`…:idem:<hash>`)
 * ARGV[1] task key prefix
 *
 * Returns { id, { field, value, ... } } or {}.
 */
export const readIdempotentScript = defineScript(
  'read-idempotent',
  `
local id = redis.call('GET', KEYS[1])
if not id then return {} end
local fields = redis.call('HGETALL', ARGV[1] .. id)
if #fields == 0 then return {} end
return { id, fields }
`,
);
