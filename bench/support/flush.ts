import { Redis as IORedis } from 'ioredis';

/** A direct TCP connection to the bench's Redis, for resetting state between runs (never timed). */
export interface RedisAdmin {
  flush(): Promise<void>;
  /** Redis's own CPU time per call (µs) of each command since the last reset, from INFO commandstats. */
  commandCostUs(): Promise<Record<string, number>>;
  resetCommandStats(): Promise<void>;
  /** CPU time the redis-server process has used so far, µs (user + system, from INFO cpu). */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

export async function redisAdmin(url: string): Promise<RedisAdmin> {
  const redis = new IORedis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  return {
    // Keys only: the script cache survives FLUSHALL, as it does in a warm production Redis.
    flush: async () => {
      await redis.flushall();
    },
    commandCostUs: async () => {
      const info = await redis.info('commandstats');
      const costs: Record<string, number> = {};
      for (const match of info.matchAll(/^cmdstat_(\w+):calls=\d+,usec=\d+,usec_per_call=([\d.]+)/gm)) {
        costs[match[1] as string] = Number(match[2]);
      }
      return costs;
    },
    cpuMicros: async () => {
      const info = await redis.info('cpu');
      const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
      return Math.round((seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6);
    },
    resetCommandStats: async () => {
      await redis.config('RESETSTAT');
    },
    close: async () => {
      await redis.quit();
    },
  };
}
