// Left out of the readable line: the level, message and time are its first columns; the rest is the same on
// every line, or made up locally (request ids), where several invocations share one logger.
const HIDDEN = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'function_version',
  'tenant_id',
]);

/**
 * One log entry (as Powertools prints it, parsed) as one readable line:
 * `HH:MM:SS.mmm LEVEL message key=value …`, in local time. Strings without spaces, quotes or `=` are
 * written bare; everything else as JSON, so the line stays one line.
 *
 * @example
 * prettyLogLine({ level: 'INFO', message: 'stored', timestamp: '2030-01-01T10:00:00.000Z', taskId: 't1' });
 * // '11:00:00.000 INFO  stored taskId=t1' (in UTC+1)
 */
export function prettyLogLine(entry: Record<string, unknown>): string {
  const pairs = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${render(value)}`);
  const level = String(entry.level ?? '').padEnd(5);
  const message = String(entry.message ?? '').replace(/\r?\n/g, '\\n');
  return [clock(entry.timestamp), level, message, ...pairs].join(' ');
}

function render(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

function clock(timestamp: unknown): string {
  const date = typeof timestamp === 'string' ? new Date(timestamp) : new Date();
  const at = Number.isNaN(date.getTime()) ? new Date() : date;
  const two = (n: number) => String(n).padStart(2, '0');
  const ms = String(at.getMilliseconds()).padStart(3, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${ms}`;
}
