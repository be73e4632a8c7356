import * as z from 'zod/mini';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper payloads are refused: nobody needs them, and recursive code (zod, JSON.stringify) overflows on them. */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * A JSON value no deeper than {@link MAX_PAYLOAD_DEPTH}, checked with an explicit stack rather than
 * recursion, so a hostile body of ten thousand nested arrays gets a validation error, not a crashed process.
 */
export const JsonPayloadSchema = z.custom<JsonValue>().check(
  z.superRefine((value, context) => {
    const problem = findJsonProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
);

function findJsonProblem(root: unknown): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'numbers must be finite';
      continue;
    }
    if (typeof value !== 'object') return `${typeof value} is not a JSON value`;
    if (depth >= MAX_PAYLOAD_DEPTH) return `nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
    const prototype = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
      return 'only plain objects and arrays are JSON';
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}
