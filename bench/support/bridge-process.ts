import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BridgeStats } from '../../local/rest-bridge/index.js';

/** The REST bridge running in a child process (see bridge-child.ts), with its counters read over IPC. */
export interface BridgeProcess {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  stats(): Promise<BridgeStats>;
  resetStats(): Promise<void>;
  /** CPU time the bridge process has used so far, µs (user + system). */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./bridge-child.ts', import.meta.url));

/**
 * Forks the bridge in front of `redisUrl`. The child inherits this process's loader flags (tsx), so it
 * runs the TypeScript sources as they are.
 */
export async function startBridgeProcess(redisUrl: string): Promise<BridgeProcess> {
  const child = fork(CHILD, [redisUrl], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bridge process exited early (${code})`)));
    child.once('message', (message: { type: string; url: string; token: string }) => {
      if (message.type === 'ready') resolve(message);
    });
  });
  let nextId = 0;
  const ask = <T>(type: string): Promise<T> =>
    new Promise((resolve) => {
      const id = nextId++;
      const onMessage = (message: { type: string; id: number } & T) => {
        if (message.id !== id) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      child.send({ type, id });
    });
  return {
    url: ready.url,
    token: ready.token,
    pid: child.pid ?? -1,
    stats: async () => (await ask<{ stats: BridgeStats }>('stats')).stats,
    resetStats: async () => {
      await ask('reset');
    },
    cpuMicros: async () => {
      const { cpu } = await ask<{ cpu: NodeJS.CpuUsage }>('cpu');
      return cpu.user + cpu.system;
    },
    close: () => closeChild(child, exited),
  };
}

async function closeChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
