const MAX_LABEL_LENGTH = 200;

/**
 * A printable id for the report and the logs, made from whatever an untrusted event holds where its id
 * should be: a string (cut short) or a number; anything else gives `fallback`.
 *
 * @example
 * eventIdLabel(record.Sns?.MessageId, `record ${index}`);
 */
export function eventIdLabel(value: unknown, fallback = ''): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.length === 0) return fallback;
  return value.length > MAX_LABEL_LENGTH ? `${value.slice(0, MAX_LABEL_LENGTH)}…` : value;
}
