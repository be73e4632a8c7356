import { defineScript } from '../redis-script.js';

/**
 * Read-only: all fields of one task, as a flat { field, value, ... } list (empty when unknown).
 *
 * KEYS: none (the task key is derived from the id, inside the queue's hash tag)
 * ARGV[1] task key
 */
export const readTaskScript = defineScript('read-task', `return redis.call('HGETALL', ARGV[1])`);
