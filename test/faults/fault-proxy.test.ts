import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';

// The target: an echo server that also counts what reached it.
let echo: Server;
let echoPort = 0;
let received = 0;
let proxy: FaultProxy;

beforeAll(async () => {
  echo = createServer((socket) => {
    socket.on('data', (chunk) => {
      received += chunk.length;
      socket.write(chunk);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});
afterEach(async () => {
  await proxy?.close();
  received = 0;
});

/** A connection through the proxy with the bytes it received and how it ended. */
async function connect(port: number) {
  const socket = createConnection({ host: '127.0.0.1', port });
  const state = { data: '', chunks: 0, error: undefined as NodeJS.ErrnoException | undefined, closed: false };
  socket.on('data', (chunk) => {
    state.data += chunk.toString();
    state.chunks += 1;
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    state.error = error;
  });
  socket.on('close', () => {
    state.closed = true;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, state };
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

function send(socket: Socket, text: string) {
  socket.write(text);
}

describe('fault proxy', () => {
  it('passes bytes both ways', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort });
    const { socket, state } = await connect(proxy.port);
    send(socket, 'hello');
    await until(() => state.data === 'hello');
    expect(proxy.stats).toMatchObject({ accepted: 1, bytesToTarget: 5, bytesToClient: 5 });
    socket.destroy();
  });

  it('adds latency per direction, also to connections opened before the switch', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort });
    const { socket, state } = await connect(proxy.port);
    await proxy.setMode({ kind: 'latency', ms: 100, jitterMs: 20 });
    send(socket, 'ping');
    const roundTrip = await until(() => state.data === 'ping');
    expect(roundTrip).toBeGreaterThanOrEqual(190);
    expect(roundTrip).toBeLessThan(600);

    // Replies only: the target has the bytes at once, the client waits.
    await proxy.setMode({ kind: 'latency', ms: 150, direction: 'to-client' });
    state.data = '';
    send(socket, 'pong');
    await until(() => received === 8, 100);
    expect(state.data).toBe('');
    expect(await until(() => state.data === 'pong')).toBeGreaterThanOrEqual(100);
    socket.destroy();
  });

  it('stalls (accepts, forwards nothing) and delivers what it held once healed', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort, mode: { kind: 'stall' } });
    const { socket, state } = await connect(proxy.port);
    send(socket, 'held');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toBe(0);
    expect(state.data).toBe('');
    await proxy.setMode({ kind: 'pass' });
    await until(() => state.data === 'held');
    socket.destroy();
  });

  it('resets open connections with RST, and new ones at once', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort });
    const open = await connect(proxy.port);
    await proxy.setMode({ kind: 'reset' });
    await until(() => open.state.closed);
    expect(open.state.error?.code).toBe('ECONNRESET');

    const fresh = createConnection({ host: '127.0.0.1', port: proxy.port });
    const code = await new Promise<string | undefined>((resolve) => {
      fresh.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
      fresh.on('close', () => resolve(undefined));
    });
    expect(code).toBe('ECONNRESET');
    expect(proxy.stats.reset).toBe(2);
  });

  it('refuses (port closed) and listens again on the same port', async () => {
    proxy = await startFaultProxy({ targetPort: echoPort });
    const port = proxy.port;
    await proxy.setMode({ kind: 'refuse' });
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.setMode({ kind: 'pass' });
    expect(proxy.port).toBe(port);
    const { socket, state } = await connect(port);
    send(socket, 'back');
    await until(() => state.data === 'back');
    socket.destroy();
  });

  it('trickles bytes in small chunks with delays', async () => {
    proxy = await startFaultProxy({
      targetPort: echoPort,
      mode: { kind: 'trickle', chunkBytes: 4, delayMs: 20 },
    });
    const { socket, state } = await connect(proxy.port);
    const message = 'x'.repeat(40);
    send(socket, message);
    // 10 chunks of 20 ms towards the target; the echo trickles back alongside.
    const took = await until(() => state.data === message);
    expect(took).toBeGreaterThanOrEqual(180);
    expect(state.chunks).toBeGreaterThanOrEqual(5);
    socket.destroy();
  });
});
