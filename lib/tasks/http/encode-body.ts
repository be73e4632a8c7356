import type { HttpTaskPayload } from './http-task-payload.js';

export interface EncodedBody {
  bytes: Buffer;
  /** Used only when the caller gave no Content-Type. */
  defaultContentType: string;
}

/**
 * The bytes a payload's `body` is sent as: a string as is (UTF-8), any other JSON value as JSON.
 * Undefined when there is no body.
 *
 * @example
 * encodeBody({ a: 1 }); // { bytes: <'{"a":1}'>, defaultContentType: 'application/json' }
 */
export function encodeBody(body: HttpTaskPayload['body']): EncodedBody | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') {
    return { bytes: Buffer.from(body, 'utf8'), defaultContentType: 'text/plain; charset=utf-8' };
  }
  return { bytes: Buffer.from(JSON.stringify(body), 'utf8'), defaultContentType: 'application/json' };
}
