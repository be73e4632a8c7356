import { isRedisErrorReply } from './bridge-errors.js';

/** How strings travel in the JSON answer: base64 when the client sent `Upstash-Encoding: base64`. */
export type ReplyEncoding = 'base64' | 'utf8';

/** A RESP2 reply as JSON: strings, integers, null, and arrays of those. */
export type JsonReply = string | number | null | JsonReply[];

/**
 * Turns a raw reply (Buffers from the Buffer-returning API) into the JSON the Upstash client expects.
 * With base64 every string is encoded at every depth, status replies such as `OK` included: the client
 * decodes array elements unconditionally, so leaving any string plain would corrupt it.
 *
 * @example
 * encodeReply([Buffer.from('a'), 1, null], 'base64'); // ['YQ==', 1, null]
 */
export function encodeReply(reply: unknown, encoding: ReplyEncoding): JsonReply {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'number') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString(encoding);
  if (typeof reply === 'string') return Buffer.from(reply).toString(encoding);
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, encoding));
  // An error nested in an array (a Lua table holding redis.error_reply) has no JSON shape of its own.
  if (isRedisErrorReply(reply)) return encodeReply(reply.message, encoding);
  // RESP2 has no other types; anything else is a bug here, not a value to pass on silently.
  throw new TypeError(`unexpected Redis reply of type ${typeof reply}`);
}
