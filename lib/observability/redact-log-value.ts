// Field names whose values never reach a log line, at any depth.
const SECRET_FIELD = /token|secret|authorization|password|signature/i;

/**
 * The JSON replacer of every log line, run before Powertools' own (which turns BigInt into text and drops
 * circular references): a secret-looking field becomes `[redacted]`, whatever its depth or case, and an
 * error becomes `{ name, message }` (Powertools would add the stack and its location: one short, stable
 * shape keeps lines small and Logs Insights queries simple).
 *
 * @example
 * JSON.stringify({ headers: { authorization: 'Bearer x' } }, redactLogValue);
 * // '{"headers":{"authorization":"[redacted]"}}'
 */
export function redactLogValue(key: string, value: unknown): unknown {
  if (SECRET_FIELD.test(key) && value !== undefined && value !== null) return '[redacted]';
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
