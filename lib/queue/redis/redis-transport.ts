/**
 * The two Redis commands Tandem's queue needs. Everything Tandem does to Redis is a script, so a transport
 * is just EVALSHA and EVAL: over HTTP (Upstash REST) by default, or over TCP (ioredis) for Redis-protocol
 * services such as ElastiCache, Valkey or a self-hosted Redis.
 *
 * Implementations throw {@link ScriptMissingError} on NOSCRIPT and a QueueError for everything else.
 */
export interface RedisTransport {
  evalsha(sha: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  eval(source: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

/** Redis does not have the script cached (restart, flush, failover): send the source. */
export class ScriptMissingError extends Error {
  override readonly name = 'ScriptMissingError';
}
