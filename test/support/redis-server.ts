import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server process owned by one test file, on its own port and in its own directory. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`; stays the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** The current process id; a restart gives a new one. */
  readonly pid: number;
  /** The working directory (AOF and RDB files live here); kept across restarts, removed by `stop()`. */
  readonly dir: string;
  /** Shuts Redis down (waking it first if paused) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Sends a signal, SIGKILL by default, and waits for the process to exit: a crash, for outage tests. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing answers, like a stalled server. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Stops Redis if it runs, then starts it again on the same port and directory and waits for PING. */
  restart(): Promise<void>;
}

export interface RedisServerOptions {
  /** Appended after the defaults (`--save "" --appendonly no`), so they win: e.g. `['--appendonly', 'yes']`. */
  args?: readonly string[];
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const MISSING_BINARY =
  'redis-server was not found on PATH. Integration tests need a real Redis: install redis-server ' +
  '(e.g. `apt-get install redis-server` or `brew install redis`), or set REDIS_URL for suites that can share one.';

// Every live redis-server of this process, killed when the process exits however the tests ended.
const live = new Set<ChildProcess>();
const dirs = new Set<string>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts a dedicated redis-server on a free loopback port and resolves once it answers PING.
 * Throws (never skips) when redis-server is not installed, saying how to get it.
 *
 * @example
 * const redis = await startRedisServer({ args: ['--appendonly', 'yes'] });
 * await redis.kill(); await redis.restart(); await redis.stop();
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  assertRedisServerInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'tandem-redis-'));
  dirs.add(dir);
  const extraArgs = options.args ?? [];
  // A free port can be taken between probing and binding; try a few before giving up.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await findFreePort();
    try {
      const child = await launch(port, dir, extraArgs);
      return handle(child, port, dir, extraArgs);
    } catch (error) {
      lastError = error;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
  throw lastError;
}

function handle(first: ChildProcess, port: number, dir: string, extraArgs: readonly string[]): RedisServer {
  let child: ChildProcess | undefined = first;
  let stopped = false;

  const signal = (name: NodeJS.Signals) => {
    if (!child) throw new Error(`redis-server on port ${port} is not running`);
    child.kill(name);
  };
  const terminate = async (name: NodeJS.Signals) => {
    const current = child;
    if (!current) return;
    child = undefined;
    await killAndWait(current, name);
  };

  return {
    url: `redis://${HOST}:${port}`,
    port,
    dir,
    get pid() {
      return child?.pid ?? -1;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
    async kill(name = 'SIGKILL') {
      // Stop and continue signals do not end the process; waiting for its exit would hang.
      if (name === 'SIGSTOP' || name === 'SIGCONT') signal(name);
      else await terminate(name);
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async restart() {
      if (stopped) throw new Error('redis-server was stopped for good; start a new one');
      await terminate('SIGTERM');
      child = await launch(port, dir, extraArgs);
    },
  };
}

async function launch(port: number, dir: string, extraArgs: readonly string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  // A forgotten stop() must not keep the test process alive; the exit hook above still kills Redis.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref();
  // Keep the tail of Redis's own log: when it refuses to start, that is the only useful explanation.
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitForPong(child, port);
    return child;
  } catch (error) {
    await killAndWait(child, 'SIGKILL');
    throw new Error(`redis-server on port ${port} did not start: ${(error as Error).message}\n${log}`);
  }
}

async function waitForPong(child: ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the process exited');
    // LOADING (replaying an AOF) and refused connections both mean "not yet".
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no PONG within ${READY_TIMEOUT_MS} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A stopped process only acts on SIGTERM once it runs again.
  if (signal !== 'SIGKILL') child.kill('SIGCONT');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * For suites that never kill, pause or restart Redis: the Redis named by REDIS_URL when it is set
 * (a developer's own server, a CI service), else a dedicated server as {@link startRedisServer} starts.
 * `stop()` leaves a REDIS_URL server running; share it only with unique key prefixes, never FLUSHALL.
 */
export async function startOrShareRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const shared = process.env.REDIS_URL;
  if (shared) return { url: shared, stop: async () => {} };
  const server = await startRedisServer();
  return { url: server.url, stop: () => server.stop() };
}

let installed = false;
function assertRedisServerInstalled(): void {
  if (installed) return;
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error) throw new Error(MISSING_BINARY, { cause: probe.error });
  installed = true;
}
