/**
 * JSON for an SQS message body, with every non-ASCII character written as a `\u` escape. SQS refuses bodies
 * with some characters (and emulators refuse more, e.g. emoji); escaped, any payload is sendable and
 * `JSON.parse` gives back exactly the same value.
 */
export function toSqsJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
