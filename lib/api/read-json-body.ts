import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.js';

/** The largest body any route accepts: 256 KiB, as large as one SQS message. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ReadJsonBodyOptions {
  maxBytes?: number;
  /** An empty body is allowed and reads as `undefined` (whatever its content type). */
  optional?: boolean;
}

/**
 * Reads a JSON request body without ever holding more than `maxBytes` of it: a declared
 * `Content-Length` over the limit is refused before reading, and the stream itself is counted while it
 * is read, so a missing or understated length (chunked uploads) cannot get past the limit either.
 *
 * @throws PayloadTooLargeError (413), UnsupportedMediaTypeError (415), InvalidJsonError (400)
 */
export async function readJsonBody(
  request: Request,
  { maxBytes = MAX_BODY_BYTES, optional = false }: ReadJsonBodyOptions = {},
): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const bytes = await readAtMost(request.body, maxBytes);
  if (bytes.length === 0 && optional) return undefined;
  if (!isJsonContentType(request.headers.get('content-type'))) throw new UnsupportedMediaTypeError();
  if (bytes.length === 0) throw new InvalidJsonError('the request body is empty');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new InvalidJsonError('the request body is not valid UTF-8', { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidJsonError(undefined, { cause: error });
  }
}

/** `application/json`, or any `application/*+json`, with or without parameters. */
export function isJsonContentType(header: string | null): boolean {
  const mediaType = (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}

async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop the upload here rather than draining it: the rest is never read.
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
