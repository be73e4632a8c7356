import { createHash } from 'node:crypto';

/** A Lua script with its SHA1, so it can be run by EVALSHA and loaded by EVAL only when Redis lacks it. */
export interface RedisScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

export function defineScript(name: string, source: string): RedisScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}
