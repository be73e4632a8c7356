import { errors, Redis as UpstashRedis } from '@upstash/redis';
import { Redis as TcpRedis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRestBridge } from '../../local/rest-bridge/index.js';
import { type RedisStack, startRedisStack } from '../support/redis-stack.js';

// The real @upstash/redis client against the bridge against a real redis-server: no mocks anywhere.
let stack: RedisStack;
let redis: UpstashRedis;
// A direct TCP connection, to check what the bridge actually stored, byte for byte.
let direct: TcpRedis;

beforeAll(async () => {
  stack = await startRedisStack({ bridge: { maxBodyBytes: 64 * 1024 } });
  redis = stack.client();
  direct = new TcpRedis(stack.server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  direct.on('error', () => {});
  await direct.connect();
});

afterAll(async () => {
  direct?.disconnect();
  await stack?.stop();
});

/** A raw REST call, for what the client hides: status codes and the exact JSON. */
async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.bridge.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${stack.bridge.token}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

describe('values survive the round trip', () => {
  let key: string;
  beforeEach(() => {
    key = stack.keyPrefix('values');
  });

  it('keeps non-ASCII and control characters intact, and stores them as UTF-8', async () => {
    const text = 'héllo ✓ 日本語 🚀 \u0000\u0001\u007f\u00ff end';
    expect(await redis.set(`${key}s`, text)).toBe('OK');
    expect(await redis.get(`${key}s`)).toBe(text);
    expect(await direct.getBuffer(`${key}s`)).toEqual(Buffer.from(text, 'utf8'));
  });

  it('passes bytes that are not UTF-8 through unchanged when base64 is asked for', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    await direct.set(`${key}bin`, bytes);
    const answer = await post('/', ['GET', `${key}bin`], { 'upstash-encoding': 'base64' });
    expect(answer).toEqual({ status: 200, json: { result: bytes.toString('base64') } });
  });

  it('encodes every string at every depth, keeps integers as numbers and nil as null', async () => {
    const script = 'return {1, "a", {2, false, "b", {"c"}}, redis.status_reply("FINE")}';
    const base64 = await post('/', ['EVAL', script, 0], { 'upstash-encoding': 'base64' });
    expect(base64.json).toEqual({ result: [1, 'YQ==', [2, null, 'Yg==', ['Yw==']], 'RklORQ=='] });
    const plain = await post('/', ['EVAL', script, 0]);
    expect(plain.json).toEqual({ result: [1, 'a', [2, null, 'b', ['c']], 'FINE'] });
    expect((await post('/', ['SET', `${key}ok`, 'v'], { 'upstash-encoding': 'base64' })).json).toEqual({
      result: 'T0s=',
    });
  });

  it('handles numbers: counters, floats and missing keys', async () => {
    expect(await redis.incr(`${key}n`)).toBe(1);
    expect(await redis.incrby(`${key}n`, 41)).toBe(42);
    expect(await redis.incrbyfloat(`${key}f`, 1.5)).toBe(1.5);
    expect(await redis.get(`${key}n`)).toBe(42);
    expect(await redis.get(`${key}missing`)).toBeNull();
  });

  it('returns hashes in the shape HGETALL has in RESP2, which the client turns into an object', async () => {
    await redis.hset(`${key}h`, { name: 'tändem', attempts: 3 });
    expect(await redis.hgetall(`${key}h`)).toEqual({ name: 'tändem', attempts: 3 });
    const raw = await post('/', ['HGETALL', `${key}h`]);
    expect(raw.json).toEqual({ result: ['name', 'tändem', 'attempts', '3'] });
  });

  it('returns sorted sets with scores', async () => {
    await redis.zadd(`${key}z`, { score: 2, member: 'b' }, { score: 1.5, member: 'a' });
    expect(await redis.zrange(`${key}z`, 0, -1, { withScores: true })).toEqual(['a', 1.5, 'b', 2]);
  });

  it('returns streams', async () => {
    const id = await redis.xadd(`${key}x`, '*', { task: 'één', n: 1 });
    expect(id).toMatch(/^\d+-\d+$/);
    expect(await redis.xrange(`${key}x`, '-', '+')).toEqual({ [id]: { task: 'één', n: 1 } });
  });

  it('gives plain JSON strings to a client that turns base64 off', async () => {
    const plain = stack.client({ responseEncoding: false });
    await plain.hset(`${key}p`, { a: 'ü', b: '2' });
    expect(await plain.hgetall(`${key}p`)).toEqual({ a: 'ü', b: 2 });
    expect(await plain.zadd(`${key}pz`, { score: 1, member: 'm' })).toBe(1);
    expect(await plain.get(`${key}nothing`)).toBeNull();
    const raw = await post('/', ['HGET', `${key}p`, 'a']);
    expect(raw.json).toEqual({ result: 'ü' });
  });
});

describe('scripts', () => {
  const source = 'return redis.call("INCRBY", KEYS[1], ARGV[1])';

  it('runs EVAL and EVALSHA', async () => {
    const key = `${stack.keyPrefix('eval')}n`;
    expect(await redis.eval(source, [key], ['5'])).toBe(5);
    const sha = await redis.scriptLoad(source);
    expect(await redis.evalsha(sha, [key], ['2'])).toBe(7);
  });

  it('reports NOSCRIPT in the message the client checks, so createScript falls back to EVAL', async () => {
    const key = `${stack.keyPrefix('noscript')}n`;
    await redis.scriptFlush();
    const script = redis.createScript<number>(source);
    await expect(script.evalsha([key], ['1'])).rejects.toThrow(/^NOSCRIPT/);
    stack.bridge.resetStats();
    expect(await script.exec([key], ['1'])).toBe(1);
    // EVALSHA refused, then EVAL: two round trips; the next call finds the script loaded.
    expect(stack.bridge.stats.byPath['/']).toBe(2);
    expect(await script.exec([key], ['1'])).toBe(2);
    expect(stack.bridge.stats.byPath['/']).toBe(3);
  });
});

describe('pipelines and transactions', () => {
  it('runs a pipeline in one request', async () => {
    const key = stack.keyPrefix('pipeline');
    stack.bridge.resetStats();
    const results = await redis.pipeline().set(`${key}a`, 'x').incr(`${key}n`).get(`${key}a`).exec();
    expect(results).toEqual(['OK', 1, 'x']);
    expect(stack.bridge.stats).toEqual({ requests: 1, byPath: { '/pipeline': 1 }, commands: 3 });
  });

  it('reports a failing pipeline entry for itself and still runs the others', async () => {
    const key = stack.keyPrefix('pipeline-error');
    await redis.set(`${key}s`, 'string');
    const pipeline = redis.pipeline().lpush(`${key}s`, 'x').set(`${key}after`, 'ran');
    const results = await pipeline.exec({ keepErrors: true });
    expect(results[0]?.error).toMatch(/^WRONGTYPE/);
    expect(results[1]).toEqual({ result: 'OK', error: undefined });
    await expect(redis.pipeline().lpush(`${key}s`, 'x').exec()).rejects.toThrow(
      /Command 1 \[ lpush \] failed: WRONGTYPE/,
    );
  });

  it('runs multi in one request, inside MULTI/EXEC', async () => {
    const key = stack.keyPrefix('multi');
    stack.bridge.resetStats();
    expect(await redis.multi().set(`${key}a`, 1).incr(`${key}a`).hset(`${key}h`, { f: 'v' }).exec()).toEqual([
      'OK',
      2,
      1,
    ]);
    expect(stack.bridge.stats.byPath).toEqual({ '/multi-exec': 1 });
  });

  it('applies nothing when Redis rejects one command of a transaction (a pipeline would apply the rest)', async () => {
    const key = stack.keyPrefix('multi-abort');
    const body = [
      ['SET', `${key}a`, 'applied?'],
      ['SET', `${key}b`],
    ];
    const transaction = await post('/multi-exec', body);
    expect(transaction.status).toBe(400);
    expect(transaction.json).toEqual({
      error: expect.stringMatching(/^EXECABORT .*wrong number of arguments/),
    });
    expect(await direct.exists(`${key}a`)).toBe(0);
    const pipeline = await post('/pipeline', body);
    expect(pipeline.json).toEqual([{ result: 'OK' }, { error: expect.stringMatching(/wrong number/) }]);
    expect(await direct.get(`${key}a`)).toBe('applied?');
  });
});

describe('errors and refusals', () => {
  it('surfaces a Redis error as an UpstashError carrying the Redis message', async () => {
    const key = stack.keyPrefix('wrongtype');
    await redis.set(`${key}s`, 'string');
    const failure = redis.lpush(`${key}s`, 'x');
    await expect(failure).rejects.toBeInstanceOf(errors.UpstashError);
    await expect(failure).rejects.toThrow(
      /^WRONGTYPE Operation against a key holding the wrong kind of value/,
    );
    expect(await post('/', ['LPUSH', `${key}s`, 'x'])).toEqual({
      status: 400,
      json: { error: expect.stringMatching(/^WRONGTYPE/) },
    });
  });

  it('answers 401 to a wrong or missing token', async () => {
    await expect(stack.client({ token: 'wrong' }).get('k')).rejects.toThrow(/^Unauthorized/);
    const response = await fetch(stack.bridge.url, { method: 'POST', body: '["PING"]' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Unauthorized' });
  });

  it('refuses commands that would change the shared connection', async () => {
    await expect(redis.exec(['SELECT', '1'])).rejects.toThrow(/^ERR command SELECT is not allowed over REST/);
    for (const command of [['WATCH', 'k'], ['MULTI'], ['SUBSCRIBE', 'c'], ['CLIENT', 'ID'], ['MONITOR']]) {
      const answer = await post('/', command);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: expect.stringMatching(/not allowed over REST/) });
    }
    const pipeline = await post('/pipeline', [['PING'], ['SELECT', '2']]);
    expect(pipeline.json).toEqual([
      { result: 'PONG' },
      { error: 'ERR command SELECT is not allowed over REST' },
    ]);
    expect((await post('/multi-exec', [['PING'], ['WATCH', 'k']])).status).toBe(400);
  });

  it('answers malformed requests with 4xx and a JSON error', async () => {
    expect(await post('/', '{not json')).toEqual({
      status: 400,
      json: { error: expect.stringMatching(/JSON/) },
    });
    expect((await post('/', { command: 'GET' })).status).toBe(400);
    expect((await post('/', [])).status).toBe(400);
    expect((await post('/', ['GET', { nested: true }])).status).toBe(400);
    expect((await post('/pipeline', ['GET', 'k'])).status).toBe(400);
    expect((await post('/unknown', ['PING'])).status).toBe(404);
    expect((await post('/', ['SET', 'big', 'x'.repeat(70 * 1024)])).status).toBe(413);
    // The bridge is still fine afterwards.
    expect(await redis.ping()).toBe('PONG');
  });
});

describe('blocking commands', () => {
  it('run on a connection of their own, so other requests do not wait behind them', async () => {
    const key = stack.keyPrefix('blocking');
    const popped = redis.exec<[string, string] | null>(['BLPOP', `${key}list`, '5']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    expect(await redis.set(`${key}other`, 'v')).toBe('OK');
    expect(performance.now() - started).toBeLessThan(200);
    await redis.lpush(`${key}list`, 'job');
    expect(await popped).toEqual([`${key}list`, 'job']);
  });

  it('give their connection back when the HTTP client gives up', async () => {
    const key = stack.keyPrefix('abandoned');
    const impatient = stack.client({ timeoutMs: 200 });
    await expect(impatient.exec(['BLPOP', `${key}list`, '0'])).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const blockedClients = async () => {
      const list = (await direct.client('LIST')) as string;
      return list.split('\n').filter((line) => line.includes('cmd=blpop')).length;
    };
    await expect.poll(blockedClients, { timeout: 1_000, interval: 20 }).toBe(0);
  });

  it('answer nil when they time out, like Redis', async () => {
    expect(await redis.exec(['BRPOP', `${stack.keyPrefix('blocking')}empty`, '0.1'])).toBeNull();
  });
});

describe('request counting', () => {
  it('counts one request per client call and resets', async () => {
    const key = stack.keyPrefix('count');
    stack.bridge.resetStats();
    expect(stack.bridge.stats).toEqual({ requests: 0, byPath: {}, commands: 0 });
    await redis.set(`${key}a`, 1);
    await redis.get(`${key}a`);
    expect(stack.bridge.stats).toEqual({ requests: 2, byPath: { '/': 2 }, commands: 2 });
  });
});

describe('when Redis behind the bridge fails', () => {
  it('fails fast while Redis is down and serves again once it is back', async () => {
    const key = stack.keyPrefix('outage');
    await redis.set(`${key}before`, 'v');
    await stack.server.kill('SIGKILL');

    const started = performance.now();
    await expect(redis.get(`${key}before`)).rejects.toThrow(/Redis behind the REST bridge is unavailable/);
    await expect(redis.pipeline().get(`${key}before`).exec()).rejects.toThrow(/unavailable/);
    await expect(redis.multi().get(`${key}before`).exec()).rejects.toThrow(/unavailable/);
    await expect(redis.exec(['BLPOP', `${key}list`, '1'])).rejects.toThrow(/unavailable/);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(stack.bridge.isRedisReady()).toBe(false);
    expect((await post('/', ['PING'])).status).toBe(503);

    await stack.server.restart();
    const restarted = performance.now();
    await expect.poll(() => redis.ping().catch(() => 'down'), { timeout: 5_000, interval: 50 }).toBe('PONG');
    // The bridge reconnects by itself within its backoff cap, well inside Tandem's 5 s recovery budget.
    expect(performance.now() - restarted).toBeLessThan(2_000);
    expect(await redis.set(`${key}after`, 'v')).toBe('OK');
  });

  it('answers 504 when Redis accepts commands but does not answer within the command timeout', async () => {
    const strict = await startRestBridge({
      redisUrl: stack.server.url,
      token: 'strict',
      commandTimeoutMs: 200,
    });
    const client = new UpstashRedis({
      url: strict.url,
      token: 'strict',
      retry: false,
      enableTelemetry: false,
    });
    stack.server.pause();
    try {
      const started = performance.now();
      await expect(client.get('k')).rejects.toThrow(/^Redis behind the REST bridge did not answer in time/);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      stack.server.resume();
      await strict.close();
    }
  });

  it('throws a TimeoutError, never a silent null, while Redis is paused', async () => {
    const impatient = stack.client({ timeoutMs: 300 });
    stack.server.pause();
    try {
      const started = performance.now();
      await expect(impatient.get(stack.keyPrefix('paused'))).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      stack.server.resume();
    }
    expect(await impatient.ping()).toBe('PONG');
  });
});
