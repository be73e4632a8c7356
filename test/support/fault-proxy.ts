import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * How the proxy treats traffic. The mode can change at any time and applies at once to open connections as
 * well as new ones: keep-alive pools (undici) and long-lived Redis connections (ioredis) never reconnect on
 * their own, so a fault that only touched new connections would miss them.
 */
export type FaultMode =
  /** Bytes flow as they arrive. */
  | { kind: 'pass' }
  /**
   * Every chunk is held `ms` (plus a uniform random 0..`jitterMs`) before it is forwarded, in order. The delay
   * applies per direction: with `direction: 'both'` (the default) a request/response round trip costs ~2×`ms`.
   * `'to-target'` delays requests only, `'to-client'` replies only (the request is executed on time, the
   * answer comes late: the "stored, but the caller timed out" case).
   */
  | { kind: 'latency'; ms: number; jitterMs?: number; direction?: Direction }
  /**
   * Connections are accepted and kept open, nothing is forwarded either way. Bytes held during a stall are
   * delivered when the mode changes, as TCP delivers them once a partition heals; use `reset` to drop them.
   */
  | { kind: 'stall' }
  /** Every open connection is torn down with a TCP RST; new connections are accepted and reset at once. */
  | { kind: 'reset' }
  /**
   * The listening socket is closed (connects get ECONNREFUSED) and open connections are closed, as when the
   * process behind the port died. Any other mode listens again on the same port.
   */
  | { kind: 'refuse' }
  /** Bytes are forwarded `chunkBytes` at a time with `delayMs` between chunks, both directions. */
  | { kind: 'trickle'; chunkBytes?: number; delayMs?: number };

export type Direction = 'both' | 'to-target' | 'to-client';

export interface FaultProxyOptions {
  /** The port the traffic is for, on `targetHost` (default 127.0.0.1). */
  targetPort: number;
  targetHost?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default: pass-through. */
  mode?: FaultMode;
}

export interface FaultProxyStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections torn down with RST (by `reset`). */
  reset: number;
  /** Bytes forwarded towards the target, and back towards clients. */
  bytesToTarget: number;
  bytesToClient: number;
}

/** A TCP proxy on loopback whose behaviour can be switched while traffic flows. */
export interface FaultProxy {
  /** The port clients connect to; it stays the same across `refuse`. */
  readonly port: number;
  /** `127.0.0.1:<port>`, to build URLs with: `http://${proxy.address}`, `redis://${proxy.address}`. */
  readonly address: string;
  readonly mode: FaultMode;
  readonly stats: Readonly<FaultProxyStats>;
  /** Open client connections. */
  readonly connections: number;
  /** Switches the mode; resolves once it is in effect (for `refuse`: the port is closed; after it: open again). */
  setMode(mode: FaultMode): Promise<void>;
  /** Sends traffic to another port from now on (open connections keep their target). */
  retarget(targetPort: number): void;
  /** Closes the proxy and every connection through it. Safe to call twice. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
// A stalled or slow pipe stops reading from its source once this much is waiting, like a full TCP window.
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * Starts a fault-injecting TCP proxy on 127.0.0.1 in front of `targetPort`.
 *
 * @example
 * const proxy = await startFaultProxy({ targetPort: redis.port });
 * await proxy.setMode({ kind: 'latency', ms: 200, direction: 'to-client' });
 * await proxy.setMode({ kind: 'pass' });
 * await proxy.close();
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const targetHost = options.targetHost ?? HOST;
  let targetPort = options.targetPort;
  let mode: FaultMode = options.mode ?? { kind: 'pass' };
  let closed = false;
  const stats: FaultProxyStats = { accepted: 0, reset: 0, bytesToTarget: 0, bytesToClient: 0 };
  const pairs = new Set<Pair>();
  // Pumps waiting for the mode to change (a stall) wake up on this.
  let modeChanged = deferred();

  const onConnection = (client: Socket) => {
    stats.accepted += 1;
    if (mode.kind === 'reset') {
      stats.reset += 1;
      client.resetAndDestroy();
      return;
    }
    const target = createConnection({ host: targetHost, port: targetPort });
    const pair = new Pair(client, target, {
      mode: () => mode,
      modeChanged: () => modeChanged.promise,
      count: (direction, bytes) => {
        if (direction === 'to-target') stats.bytesToTarget += bytes;
        else stats.bytesToClient += bytes;
      },
      done: () => pairs.delete(pair),
    });
    pairs.add(pair);
  };

  const server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
  await listen(server, options.port ?? 0);
  const port = (server.address() as { port: number }).port;

  const closeListener = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) resolve();
      else server.close(() => resolve());
    });

  return {
    port,
    address: `${HOST}:${port}`,
    get mode() {
      return mode;
    },
    stats,
    get connections() {
      return pairs.size;
    },
    async setMode(next) {
      if (closed) throw new Error('the fault proxy is closed');
      mode = next;
      const wake = modeChanged;
      modeChanged = deferred();
      wake.resolve();
      if (next.kind === 'reset') {
        for (const pair of [...pairs]) {
          stats.reset += 1;
          pair.reset();
        }
      } else if (next.kind === 'refuse') {
        const stopped = closeListener();
        for (const pair of [...pairs]) pair.destroy();
        await stopped;
      }
      if (next.kind !== 'refuse' && !server.listening) await listen(server, port);
    },
    retarget(next) {
      targetPort = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      const stopped = closeListener();
      for (const pair of [...pairs]) pair.destroy();
      modeChanged.resolve();
      await stopped;
    },
  };
}

interface PairHooks {
  mode(): FaultMode;
  modeChanged(): Promise<void>;
  count(direction: Exclude<Direction, 'both'>, bytes: number): void;
  done(): void;
}

/** One client connection and its connection to the target, with a pump each way. */
class Pair {
  readonly #client: Socket;
  readonly #target: Socket;
  readonly #hooks: PairHooks;
  #finished = false;

  constructor(client: Socket, target: Socket, hooks: PairHooks) {
    this.#client = client;
    this.#target = target;
    this.#hooks = hooks;
    client.setNoDelay(true);
    target.setNoDelay(true);
    // A socket that died abruptly (RST, refused) takes the other side down at once; an orderly end (FIN)
    // is forwarded after the bytes still held, see Pump.
    for (const socket of [client, target]) {
      socket.on('error', () => this.destroy());
      socket.on('close', (hadError) => {
        if (hadError) this.destroy();
        else this.#maybeDone();
      });
    }
    new Pump(client, target, 'to-target', hooks, () => this.#maybeDone());
    new Pump(target, client, 'to-client', hooks, () => this.#maybeDone());
  }

  reset(): void {
    if (this.#finished) return;
    this.#finish();
    resetSocket(this.#client);
    resetSocket(this.#target);
  }

  destroy(): void {
    if (this.#finished) return;
    this.#finish();
    this.#client.destroy();
    this.#target.destroy();
  }

  #maybeDone(): void {
    if (this.#client.destroyed && this.#target.destroyed) this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#hooks.done();
  }
}

function resetSocket(socket: Socket): void {
  // resetAndDestroy needs a connected TCP handle; a target still connecting can only be destroyed.
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

type Item = { chunk: Buffer; receivedAt: number; delayMs: number } | { end: true };

/** Moves bytes one way, applying the proxy's current mode to each chunk as it leaves. */
class Pump {
  readonly #queue: Item[] = [];
  #queuedBytes = 0;
  #running = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly direction: Exclude<Direction, 'both'>,
    private readonly hooks: PairHooks,
    private readonly onIdleEnd: () => void,
  ) {
    from.on('data', (chunk: Buffer) => {
      // The delay is drawn when the chunk arrives, so a latency mode keeps chunks pipelined (each waits its
      // own delay from arrival) instead of adding the delays up.
      this.#queue.push({ chunk, receivedAt: Date.now(), delayMs: this.#drawDelay() });
      this.#queuedBytes += chunk.length;
      if (this.#queuedBytes > HIGH_WATER_BYTES) from.pause();
      void this.#run();
    });
    from.on('end', () => {
      this.#queue.push({ end: true });
      void this.#run();
    });
  }

  #drawDelay(): number {
    const mode = this.hooks.mode();
    if (mode.kind !== 'latency') return 0;
    const direction = mode.direction ?? 'both';
    if (direction !== 'both' && direction !== this.direction) return 0;
    return mode.ms + Math.random() * (mode.jitterMs ?? 0);
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length > 0 && !this.to.destroyed) {
        const mode = this.hooks.mode();
        if (mode.kind === 'stall' || mode.kind === 'reset' || mode.kind === 'refuse') {
          // Reset and refuse have already torn the pair down; a stall waits for the next mode.
          await this.hooks.modeChanged();
          continue;
        }
        const item = this.#queue[0] as Item;
        if ('end' in item) {
          this.#queue.shift();
          this.to.end();
          this.onIdleEnd();
          continue;
        }
        if (mode.kind === 'latency' && item.delayMs > 0) {
          const wait = item.receivedAt + item.delayMs - Date.now();
          if (wait > 0) {
            await Promise.race([sleep(wait), this.hooks.modeChanged()]);
            // A mode change during the wait (e.g. back to pass) is honoured for this chunk too.
            if (this.hooks.mode().kind !== 'latency') continue;
            if (item.receivedAt + item.delayMs > Date.now()) continue;
          }
        }
        if (mode.kind === 'trickle') {
          const size = Math.max(1, mode.chunkBytes ?? 16);
          const slice = item.chunk.subarray(0, size);
          item.chunk = item.chunk.subarray(size);
          this.#write(slice);
          if (item.chunk.length === 0) this.#queue.shift();
          await sleep(mode.delayMs ?? 20);
          continue;
        }
        this.#queue.shift();
        this.#write(item.chunk);
      }
    } finally {
      this.#running = false;
    }
  }

  #write(bytes: Buffer): void {
    if (this.to.destroyed || bytes.length === 0) return;
    this.#queuedBytes -= bytes.length;
    if (this.#queuedBytes <= HIGH_WATER_BYTES && this.from.isPaused()) this.from.resume();
    this.hooks.count(this.direction, bytes.length);
    // The target may still be connecting: net.Socket buffers writes until it is.
    this.to.write(bytes);
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let attempts = 0;
    const tryListen = () => {
      const onError = (error: NodeJS.ErrnoException) => {
        // Reopening after `refuse`: the port can linger for a moment.
        if (error.code === 'EADDRINUSE' && port !== 0 && attempts < 50) {
          attempts += 1;
          setTimeout(tryListen, 20);
          return;
        }
        reject(error);
      };
      server.once('error', onError);
      server.listen(port, HOST, () => {
        server.off('error', onError);
        resolve();
      });
    };
    tryListen();
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
