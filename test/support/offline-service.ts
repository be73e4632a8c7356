import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** serverless-offline serving the zips `npm run package` built, as deployed, on loopback ports. */
export interface OfflineService {
  /** `http://127.0.0.1:<port>`: the HTTP API routes of the api function. */
  readonly httpUrl: string;
  /** `http://127.0.0.1:<port>`: Lambda's Invoke API, to invoke a function as its event source would. */
  readonly lambdaUrl: string;
  /** What the emulator printed so far (its log and the functions' log lines). */
  output(): string;
  /** Ends the emulator's whole process group and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface OfflineServiceOptions {
  /** The directory `npm run package -- --package <dir>` wrote: the zips and serverless-state.json. */
  buildDir: string;
  /**
   * The functions' environment on top of the packaged one: values for what only AWS resolves (the SSM
   * references, the queues' Refs) and local extras such as `SQS_ENDPOINT`.
   */
  environment: Record<string, string>;
  /** The project root, whose node_modules hold osls and serverless-offline. */
  root: string;
}

interface PackagedFunction {
  handler: string;
  name: string;
  timeout?: number;
  memorySize?: number;
  events?: Record<string, unknown>[];
}

interface PackagedState {
  service: {
    service: string;
    provider: { stage: string; region: string; runtime: string; environment: Record<string, unknown> };
    functions: Record<string, PackagedFunction>;
  };
}

/**
 * Starts `osls offline` on a service made from the packaged state: the same functions, names, handlers,
 * timeouts and HTTP API routes, each running its own deploy zip (`package.artifact`). What only AWS can
 * resolve (the SSM parameters, the queues' Refs) comes from `environment`. Only HTTP API events are kept:
 * the emulator would run schedules on its own clock, and it has no SQS event source.
 *
 * It runs in a directory of its own, so nothing is written into the work tree, and in a process group of
 * its own, so `stop()` ends every process it started.
 */
export async function startOfflineService(options: OfflineServiceOptions): Promise<OfflineService> {
  const state = JSON.parse(
    await readFile(join(options.buildDir, 'serverless-state.json'), 'utf8'),
  ) as PackagedState;
  const { service, provider, functions } = state.service;
  const [httpPort, lambdaPort, websocketPort, albPort] = await freePorts(4);
  const dir = await mkdtemp(join(tmpdir(), 'tandem-offline-'));
  const config = {
    service,
    frameworkVersion: '4',
    plugins: ['serverless-offline'],
    provider: {
      name: 'aws',
      runtime: provider.runtime,
      stage: provider.stage,
      region: provider.region,
      environment: {
        ...Object.fromEntries(
          Object.entries(provider.environment).map(([name, value]) => [
            name,
            typeof value === 'string' ? value : '',
          ]),
        ),
        ...options.environment,
      },
    },
    package: { individually: true },
    functions: Object.fromEntries(
      Object.entries(functions).map(([key, fn]) => [
        key,
        {
          handler: fn.handler,
          name: fn.name,
          ...(fn.timeout !== undefined && { timeout: fn.timeout }),
          ...(fn.memorySize !== undefined && { memorySize: fn.memorySize }),
          package: { artifact: join(options.buildDir, `${key}.zip`) },
          events: (fn.events ?? [])
            .filter((event) => 'httpApi' in event)
            .map((event) => ({ httpApi: event.httpApi })),
        },
      ]),
    ),
    custom: {
      'serverless-offline': { host: '127.0.0.1', httpPort, lambdaPort, websocketPort, albPort },
    },
  };
  await writeFile(join(dir, 'serverless.json'), JSON.stringify(config, null, 2));
  await symlink(join(options.root, 'node_modules'), join(dir, 'node_modules'), 'dir');

  const osls = join(options.root, 'node_modules', 'osls', 'bin', 'serverless.js');
  const child = spawn(process.execPath, [osls, 'offline', 'start'], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // An async invoke whose handler throws would otherwise end the emulator (an unhandled rejection).
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--unhandled-rejections=warn'].filter(Boolean).join(' '),
      // The functions' AWS SDK clients read AWS_* from here: the emulator copies them into each function.
      AWS_ACCESS_KEY_ID: 'offline',
      AWS_SECRET_ACCESS_KEY: 'offline',
      AWS_REGION: provider.region,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = `${output}${chunk.toString()}`.slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await endGroup(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitUntilServing(httpUrl, exited, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { httpUrl, lambdaUrl: `http://127.0.0.1:${lambdaPort}`, output: () => output, stop };
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Until the HTTP port answers (any status), the emulator exits, or 60 s pass. */
async function waitUntilServing(url: string, exited: Promise<void>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`serverless-offline exited before serving:\n${output().slice(-4000)}`);
    const answered = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`serverless-offline did not serve within 60 s:\n${output().slice(-4000)}`);
}

/** SIGTERM to the whole group, SIGKILL after 5 s if anything is left. */
async function endGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup('SIGKILL');
    return;
  }
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  signalGroup('SIGKILL');
}
