import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../../lib/tasks/build-envelope.js';
import { TaskValidationError } from '../../../lib/tasks/errors.js';
import { encodeBody } from '../../../lib/tasks/http/encode-body.js';
import { createHttpTask, HttpTaskPayloadSchema } from '../../../lib/tasks/http/index.js';
import { TaskRegistry } from '../../../lib/tasks/task-registry.js';

const secret = 'whsec_0123456789abcdef';

describe('HttpTaskPayloadSchema', () => {
  it('defaults the method to POST and keeps headers and any JSON body', () => {
    expect(HttpTaskPayloadSchema.parse({ url: 'https://api.example.com/hook' })).toEqual({
      url: 'https://api.example.com/hook',
      method: 'POST',
    });
    const full = {
      url: 'http://api.example.com',
      method: 'PUT',
      headers: { 'X-Key': 'k' },
      body: [1, { a: null }],
    };
    expect(HttpTaskPayloadSchema.parse(full)).toEqual(full);
  });

  it.each([
    [{ url: 'ftp://api.example.com/x' }, ['url']],
    [{ url: 'file:///etc/passwd' }, ['url']],
    [{ url: 'not a url' }, ['url']],
    [{ url: `https://api.example.com/${'a'.repeat(2100)}` }, ['url']],
    [{ url: 'https://api.example.com', method: 'TRACE' }, ['method']],
    [{ url: 'https://api.example.com', method: 'GET', body: 'x' }, ['body']],
    [{ url: 'https://api.example.com', headers: { Host: 'internal' } }, ['headers', 'Host']],
    [{ url: 'https://api.example.com', headers: { 'content-length': '1' } }, ['headers', 'content-length']],
    [
      { url: 'https://api.example.com', headers: { 'Transfer-Encoding': 'chunked' } },
      ['headers', 'Transfer-Encoding'],
    ],
    [{ url: 'https://api.example.com', headers: { Connection: 'close' } }, ['headers', 'Connection']],
    [
      { url: 'https://api.example.com', headers: { 'Tandem-Signature': 'x' } },
      ['headers', 'Tandem-Signature'],
    ],
    [{ url: 'https://api.example.com', headers: { 'X-A': '1', 'x-a': '2' } }, ['headers', 'x-a']],
    [{ url: 'https://api.example.com', headers: { 'Bad Name': '1' } }, ['headers', 'Bad Name']],
    [{ url: 'https://api.example.com', headers: { 'X-Split': 'a\r\nInjected: 1' } }, ['headers', 'X-Split']],
    [{ url: 'https://api.example.com', extra: true }, []],
  ])('refuses %j at %j', (payload, path) => {
    const result = HttpTaskPayloadSchema.safeParse(payload);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});

describe('enqueue refuses bad destinations before anything is stored', () => {
  function enqueue(allowedHosts: string[], url: string) {
    const registry = new TaskRegistry([createHttpTask({ signingSecret: secret, allowedHosts })]);
    return () => buildEnvelope(registry, { type: 'http', payload: { url, body: { a: 1 } } });
  }

  function refusal(allowedHosts: string[], url: string) {
    try {
      enqueue(allowedHosts, url)();
    } catch (error) {
      expect(error).toBeInstanceOf(TaskValidationError);
      return (error as TaskValidationError).issues;
    }
    throw new Error(`${url} was accepted`);
  }

  it('accepts an allowed host and keeps the payload as given', () => {
    const envelope = enqueue(['api.example.com'], 'https://api.example.com/hook')();
    expect(envelope.type).toBe('http');
    expect(envelope.payload).toEqual({ url: 'https://api.example.com/hook', body: { a: 1 } });
    expect(envelope.maxAttempts).toBe(5);
    expect(envelope.timeoutMs).toBe(30_000);
  });

  it('refuses a host outside the allow-list with an issue at payload.url', () => {
    const issues = refusal(['api.example.com'], 'https://evil.example.net/hook');
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['payload', 'url'],
        message: expect.stringMatching(/allow-list/),
      }),
    ]);
  });

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://10.0.0.8:8080/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://localhost:3000/',
    'http://LOCALHOST./',
    'http://app.localhost/',
    'http://0.0.0.0/',
  ])('refuses %s with an empty allow-list', (url) => {
    expect(refusal([], url)).toEqual([expect.objectContaining({ path: ['payload', 'url'] })]);
  });

  it('refuses a private literal matched only by a wildcard, accepts it when listed by name', () => {
    expect(refusal(['*.localhost'], 'http://app.localhost/')).toHaveLength(1);
    expect(enqueue(['127.0.0.1'], 'http://127.0.0.1:8080/')().payload).toMatchObject({
      url: 'http://127.0.0.1:8080/',
    });
    expect(enqueue(['localhost:3000'], 'http://localhost:3000/')().type).toBe('http');
    expect(refusal(['localhost:3000'], 'http://localhost:3001/')).toHaveLength(1);
  });

  it('refuses credentials in the URL', () => {
    expect(refusal([], 'https://user:pass@api.example.com/')).toEqual([
      expect.objectContaining({ path: ['payload', 'url'], message: expect.stringMatching(/credentials/) }),
    ]);
  });

  it('does not resolve names at enqueue: a public-looking name passes, delivery checks its addresses', () => {
    expect(enqueue([], 'https://resolves-privately.example.com/')().type).toBe('http');
  });

  it('fails at creation on an allow-list entry it cannot read, or an empty secret', () => {
    expect(() => createHttpTask({ signingSecret: secret, allowedHosts: ['https://x.example.com/'] })).toThrow(
      /TANDEM_HTTP_ALLOWED_HOSTS/,
    );
    expect(() => createHttpTask({ signingSecret: '', allowedHosts: [] })).toThrow(/secret/);
  });
});

describe('encodeBody', () => {
  it('sends a string as is, as text unless told otherwise', () => {
    expect(encodeBody('{"already":"json"}')).toEqual({
      bytes: Buffer.from('{"already":"json"}'),
      defaultContentType: 'text/plain; charset=utf-8',
    });
    expect(encodeBody('héllo')?.bytes).toEqual(Buffer.from('héllo', 'utf8'));
  });

  it('sends any other JSON value as JSON', () => {
    expect(encodeBody({ a: [1, 'x'] })).toEqual({
      bytes: Buffer.from('{"a":[1,"x"]}'),
      defaultContentType: 'application/json',
    });
    expect(encodeBody(42)?.bytes.toString()).toBe('42');
    expect(encodeBody(false)?.bytes.toString()).toBe('false');
    expect(encodeBody(null)?.bytes.toString()).toBe('null');
  });

  it('sends nothing without a body', () => {
    expect(encodeBody(undefined)).toBeUndefined();
  });
});
