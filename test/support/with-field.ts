/** Passed as the replacement to {@link withField}: the field is deleted instead. */
export const removed: unique symbol = Symbol('removed');

/**
 * A deep copy of `value` with the field at `path` replaced, or deleted when `replacement` is
 * {@link removed}: for events with one field missing or of the wrong type. The parents on the path must
 * be objects.
 *
 * @example
 * withField(s3Record({ key: 'a.txt' }), ['s3', 'object'], removed);
 */
export function withField<T>(value: T, path: readonly string[], replacement: unknown): T {
  const copy = structuredClone(value);
  const parentPath = path.slice(0, -1);
  const field = path.at(-1);
  if (field === undefined) throw new Error('withField needs a path');
  let parent = copy as unknown as Record<string, unknown>;
  for (const part of parentPath) parent = parent[part] as Record<string, unknown>;
  if (replacement === removed) delete parent[field];
  else parent[field] = replacement;
  return copy;
}
