import { describe, expect, it } from 'vitest';
import {
  InvalidJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../../lib/api/errors.js';
import { isJsonContentType, readJsonBody } from '../../../lib/api/read-json-body.js';

const json = { 'content-type': 'application/json' };

function post(
  body: string | Uint8Array | ReadableStream<Uint8Array> | null,
  headers: Record<string, string> = json,
): Request {
  return new Request('http://api.test/tasks', {
    method: 'POST',
    body,
    headers,
    ...(body instanceof ReadableStream && { duplex: 'half' }),
  } as RequestInit);
}

/** A body that arrives in chunks with no length declared, and counts how much of it was pulled. */
function chunked(
  chunks: number,
  chunkBytes: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent === chunks) return controller.close();
        sent += 1;
        controller.enqueue(new TextEncoder().encode(sent === 1 ? '"' : 'x'.repeat(chunkBytes)));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => sent };
}

describe('readJsonBody', () => {
  it('parses a JSON body', async () => {
    await expect(readJsonBody(post('{"a":[1,2]}'))).resolves.toEqual({ a: [1, 2] });
    await expect(
      readJsonBody(post('null', { 'content-type': 'application/cloudevents+json' })),
    ).resolves.toBe(null);
  });

  it('refuses a declared length over the limit before reading anything', async () => {
    const { stream, pulled } = chunked(10, 10);
    const request = post(stream, { ...json, 'content-length': '101' });
    await expect(readJsonBody(request, { maxBytes: 100 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(pulled()).toBe(0);
  });

  it('counts bytes while reading when no length is declared, and stops reading at the limit', async () => {
    const { stream, pulled } = chunked(1000, 64);
    await expect(readJsonBody(post(stream), { maxBytes: 1024 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(pulled()).toBeLessThan(30);
  });

  it('accepts a body of exactly the limit', async () => {
    const body = JSON.stringify('x'.repeat(98));
    expect(body.length).toBe(100);
    await expect(readJsonBody(post(body), { maxBytes: 100 })).resolves.toHaveLength(98);
  });

  it('refuses a body that is not declared as JSON', async () => {
    for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/jsonx' }]) {
      await expect(readJsonBody(post('{}', headers))).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    }
  });

  it('refuses malformed JSON, invalid UTF-8 and an empty required body as invalid_json', async () => {
    await expect(readJsonBody(post('{"a":'))).rejects.toBeInstanceOf(InvalidJsonError);
    await expect(readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])))).rejects.toBeInstanceOf(
      InvalidJsonError,
    );
    await expect(readJsonBody(post(''))).rejects.toThrow('the request body is empty');
  });

  it('reads an empty optional body as undefined, whatever its content type', async () => {
    await expect(readJsonBody(post(null, {}), { optional: true })).resolves.toBeUndefined();
    await expect(
      readJsonBody(post('', { 'content-type': 'application/x-www-form-urlencoded' }), { optional: true }),
    ).resolves.toBeUndefined();
    await expect(readJsonBody(post('{"limit":1}'), { optional: true })).resolves.toEqual({ limit: 1 });
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/problem+json', true],
    ['text/json', false],
    ['application/json-seq', false],
    ['', false],
    [null, false],
  ])('%s → %s', (header, expected) => {
    expect(isJsonContentType(header)).toBe(expected);
  });
});
