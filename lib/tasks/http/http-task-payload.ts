import * as z from 'zod/mini';
import { JsonPayloadSchema } from '../json-payload.js';

export const HttpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HttpMethods)[number];

const MAX_HEADERS = 64;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What Node accepts in a header value: no CR, LF or other control characters that could split the request.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

// Hop-by-hop headers belong to one connection; Host and Content-Length are Tandem's to set (the connection is
// pinned to a checked address); Tandem-* carry the signature. A caller setting any of these could break or forge them.
const RESERVED_HEADERS = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const HeadersSchema = z
  .record(
    z.string(),
    z.string().check(z.maxLength(8192), z.regex(HEADER_VALUE, 'control characters are not allowed')),
  )
  .check(
    z.superRefine((headers, ctx) => {
      const names = Object.keys(headers);
      if (names.length > MAX_HEADERS)
        ctx.addIssue({ code: 'custom', message: `at most ${MAX_HEADERS} headers` });
      const seen = new Set<string>();
      for (const name of names) {
        const lower = name.toLowerCase();
        const problem = !HEADER_NAME.test(name)
          ? 'not a valid header name'
          : RESERVED_HEADERS.has(lower) || lower.startsWith('tandem-')
            ? `${name} is set by Tandem and cannot be given`
            : seen.has(lower)
              ? `${name} is given twice (header names ignore case)`
              : undefined;
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: problem });
        seen.add(lower);
      }
    }),
  );

/**
 * The payload of the built-in `http` task: one HTTP request, signed and delivered with retries.
 * A string `body` is sent as is (`text/plain; charset=utf-8` unless a Content-Type is given); any other JSON
 * value, `null` included, is sent as JSON (`application/json` unless given). Without `body`, nothing is sent.
 *
 * @example
 * { url: 'https://api.example.com/hooks/order', body: { orderId: 42 } } // POST, JSON
 */
export const HttpTaskPayloadSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).check(z.maxLength(2048)),
    method: z._default(z.enum(HttpMethods), 'POST'),
    headers: z.optional(HeadersSchema),
    body: z.optional(JsonPayloadSchema),
  })
  .check(
    z.refine((payload) => payload.method !== 'GET' || payload.body === undefined, {
      message: 'a GET request carries no body',
      path: ['body'],
    }),
  );

export type HttpTaskPayload = z.output<typeof HttpTaskPayloadSchema>;
export type HttpTaskPayloadInput = z.input<typeof HttpTaskPayloadSchema>;
