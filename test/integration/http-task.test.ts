import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '../../lib/tasks/define-task.js';
import { UnrecoverableTaskError } from '../../lib/tasks/errors.js';
import {
  type CreateHttpTaskOptions,
  createHttpTask,
  DestinationRefusedError,
  HttpDeliveryError,
  HttpRejectedError,
  type HttpTaskPayloadInput,
  type ResolveHost,
  verifySignature,
} from '../../lib/tasks/http/index.js';

// Delivery against a real HTTP server on loopback: the only network these tests use.

const secret = 'whsec_integration_0123456789';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let server: Server;
let port: number;
let base: string;
let received: Received[] = [];
const bigResponses: { finished: boolean }[] = [];

function route(req: Received, res: ServerResponse): void {
  const url = new URL(req.path, base);
  const [, kind, arg] = url.pathname.split('/');
  if (kind === 'ok') {
    res.end('ok');
  } else if (kind === 'status') {
    res.statusCode = Number(arg);
    res.end(`status ${arg}`);
  } else if (kind === 'redirect') {
    res.writeHead(Number(arg), { Location: url.searchParams.get('to') ?? '/ok' }).end();
  } else if (kind === 'loop') {
    res.writeHead(302, { Location: `/loop/${Number(arg ?? 0) + 1}` }).end();
  } else if (kind === 'echo') {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ method: req.method, host: req.headers.host }));
  } else if (kind === 'big') {
    // 10 MB in 64 KB chunks, as fast as the client reads.
    const record = { finished: false };
    bigResponses.push(record);
    res.on('close', () => {
      record.finished = res.writableFinished;
    });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = (): void => {
      while (sent < 160 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  } else if (kind === 'stall') {
    // Never answers.
  } else {
    res.statusCode = 404;
    res.end('no route');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(entry);
      route(entry, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  received = [];
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function context(signal: AbortSignal = AbortSignal.timeout(5000)): TaskContext {
  return {
    taskId: '01JHTTPTASK0000000000000000',
    attempt: 3,
    maxAttempts: 5,
    traceId: 'trace',
    via: 'redis',
    logger: silent,
    signal,
  };
}

// `evil.test` cannot resolve through real DNS (.test is reserved): reaching the server through it proves the
// connection went to the address the guard checked.
const resolve: ResolveHost = async (hostname) => {
  if (hostname === 'evil.test') return ['127.0.0.1'];
  throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
};

function run(
  payload: HttpTaskPayloadInput,
  options: Partial<CreateHttpTaskOptions> = {},
  signal?: AbortSignal,
): Promise<unknown> {
  const task = createHttpTask({ signingSecret: secret, allowedHosts: ['127.0.0.1'], resolve, ...options });
  return task.handler(task.schema.parse(payload), context(signal));
}

describe('http task delivery', () => {
  it('delivers a signed JSON request and resolves with status and body', async () => {
    const result = await run({
      url: `${base}/ok?token=abc`,
      body: { orderId: 42 },
      headers: { 'X-Api-Key': 'k1' },
    });
    expect(result).toEqual({ status: 200, body: 'ok' });

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/ok?token=abc');
    expect(request?.body.toString()).toBe('{"orderId":42}');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': '14',
      'x-api-key': 'k1',
      'tandem-task-id': '01JHTTPTASK0000000000000000',
      'tandem-attempt': '3',
      host: `127.0.0.1:${port}`,
    });
    const header = String(request?.headers['tandem-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature({ secret, header, body: request?.body ?? '' })).toBe(true);
    expect(verifySignature({ secret: 'whsec_someone_else_000000', header, body: request?.body ?? '' })).toBe(
      false,
    );
  });

  it('sends a string body as is, honouring a given Content-Type, and GET without a body', async () => {
    await run({
      url: `${base}/ok`,
      method: 'PUT',
      body: '<ping/>',
      headers: { 'content-type': 'application/xml' },
    });
    await run({ url: `${base}/ok`, method: 'GET' });
    const [put, get] = received;
    expect(put?.method).toBe('PUT');
    expect(put?.body.toString()).toBe('<ping/>');
    expect(put?.headers['content-type']).toBe('application/xml');
    expect(
      verifySignature({ secret, header: String(put?.headers['tandem-signature']), body: '<ping/>' }),
    ).toBe(true);
    expect(get?.method).toBe('GET');
    expect(get?.body.length).toBe(0);
    expect(get?.headers['content-type']).toBeUndefined();
    expect(verifySignature({ secret, header: String(get?.headers['tandem-signature']), body: '' })).toBe(
      true,
    );
  });

  it.each([500, 503, 429, 408])('treats %i as retryable', async (status) => {
    const failure = run({ url: `${base}/status/${status}` });
    await expect(failure).rejects.toBeInstanceOf(HttpDeliveryError);
    await expect(failure).rejects.not.toBeInstanceOf(UnrecoverableTaskError);
    await expect(failure).rejects.toMatchObject({ status, message: expect.stringContaining(String(status)) });
  });

  it.each([400, 404, 410, 422])(
    'treats %i as unrecoverable, with the status in the message',
    async (status) => {
      const failure = run({ url: `${base}/status/${status}?secret=xyz` });
      await expect(failure).rejects.toBeInstanceOf(UnrecoverableTaskError);
      await expect(failure).rejects.toBeInstanceOf(HttpRejectedError);
      await expect(failure).rejects.toThrow(new RegExp(`answered ${status}`));
      await expect(failure).rejects.not.toThrow(/xyz/);
    },
  );

  it('gives up with a retryable error when the task signal fires', async () => {
    const started = Date.now();
    const failure = run({ url: `${base}/stall` }, {}, AbortSignal.timeout(200));
    await expect(failure).rejects.toBeInstanceOf(HttpDeliveryError);
    await expect(failure).rejects.toThrow(/aborted/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('treats a refused connection as retryable', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const failure = run({ url: `http://127.0.0.1:${closedPort}/` });
    await expect(failure).rejects.toBeInstanceOf(HttpDeliveryError);
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reads at most a bounded part of a huge response and keeps 4 KB of it', async () => {
    const started = Date.now();
    const result = (await run({ url: `${base}/big` })) as { status: number; body: string };
    expect(result.status).toBe(200);
    expect(result.body).toBe('x'.repeat(4096));
    await expect.poll(() => bigResponses.at(-1)).toEqual({ finished: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('http task redirects', () => {
  const to = (location: string): string => encodeURIComponent(location);

  it('follows a 307 to an allowed host, keeping method, body and signature', async () => {
    const result = await run({ url: `${base}/redirect/307?to=${to(`${base}/ok`)}`, body: { a: 1 } });
    expect(result).toEqual({ status: 200, body: 'ok' });
    expect(received.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST /redirect/307?to=${to(`${base}/ok`)}`,
      'POST /ok',
    ]);
    const final = received[1];
    expect(final?.body.toString()).toBe('{"a":1}');
    expect(
      verifySignature({ secret, header: String(final?.headers['tandem-signature']), body: '{"a":1}' }),
    ).toBe(true);
  });

  it('turns a 303 into a GET without body', async () => {
    await run({
      url: `${base}/redirect/303?to=/ok`,
      body: 'hello',
      headers: { 'Content-Type': 'text/x-hello' },
    });
    const final = received[1];
    expect(final?.method).toBe('GET');
    expect(final?.body.length).toBe(0);
    expect(final?.headers['content-type']).toBeUndefined();
  });

  it('follows a redirect to a host listed by name, connecting to its checked address with its own Host', async () => {
    const target = `http://evil.test:${port}/echo`;
    const result = await run(
      { url: `${base}/redirect/302?to=${to(target)}`, method: 'GET', headers: { Authorization: 'Bearer t' } },
      { allowedHosts: ['127.0.0.1', 'evil.test'] },
    );
    expect(result).toEqual({
      status: 200,
      body: JSON.stringify({ method: 'GET', host: `evil.test:${port}` }),
    });
    // Credentials do not follow a redirect to another origin.
    expect(received[0]?.headers.authorization).toBe('Bearer t');
    expect(received[1]?.headers.authorization).toBeUndefined();
  });

  it.each([
    ['a private host not in the allow-list', (p: number) => `http://[::1]:${p}/ok`],
    ['localhost', (p: number) => `http://localhost:${p}/ok`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a public host not in the allow-list', () => 'https://api.example.com/'],
    ['a name resolving to loopback, not listed', (p: number) => `http://evil.test:${p}/ok`],
    ['another scheme', () => 'file:///etc/passwd'],
  ])('refuses a redirect to %s as unrecoverable', async (_, location) => {
    const failure = run({ url: `${base}/redirect/302?to=${to(location(port))}` });
    await expect(failure).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(failure).rejects.toBeInstanceOf(UnrecoverableTaskError);
    expect(received).toHaveLength(1);
  });

  it('stops after 3 redirects', async () => {
    const failure = run({ url: `${base}/loop` });
    await expect(failure).rejects.toBeInstanceOf(HttpRejectedError);
    await expect(failure).rejects.toThrow(/answered 302: more than 3 redirects/);
    expect(received.map((request) => request.path)).toEqual(['/loop', '/loop/1', '/loop/2', '/loop/3']);
  });

  it('treats a 3xx without Location as unrecoverable', async () => {
    await expect(run({ url: `${base}/status/304` })).rejects.toBeInstanceOf(HttpRejectedError);
  });
});

describe('http task destinations resolved at delivery', () => {
  it('refuses a name that resolves to loopback with an empty allow-list, before connecting', async () => {
    const failure = run({ url: `http://evil.test:${port}/ok` }, { allowedHosts: [] });
    await expect(failure).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(failure).rejects.toThrow(/evil\.test resolves to 127\.0\.0\.1/);
    expect(received).toHaveLength(0);
  });

  it('refuses it when only a wildcard matches it', async () => {
    await expect(
      run({ url: `http://evil.test:${port}/ok` }, { allowedHosts: ['*.test'] }),
    ).rejects.toBeInstanceOf(DestinationRefusedError);
    expect(received).toHaveLength(0);
  });

  it('delivers to it when it is listed by name', async () => {
    const result = await run({ url: `http://evil.test:${port}/echo` }, { allowedHosts: ['evil.test'] });
    expect(result).toEqual({
      status: 200,
      body: JSON.stringify({ method: 'POST', host: `evil.test:${port}` }),
    });
  });

  it('retries when the name does not resolve', async () => {
    const failure = run({ url: 'http://nowhere.test/' }, { allowedHosts: [] });
    await expect(failure).rejects.toBeInstanceOf(HttpDeliveryError);
    await expect(failure).rejects.toThrow(/could not resolve nowhere\.test/);
  });
});
