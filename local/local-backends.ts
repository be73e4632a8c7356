import { randomBytes } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { Redis } from '@upstash/redis';
import { type Config, createSqsClient, type Logger } from '../lib/index.js';
import { type RestBridge, startRestBridge } from './rest-bridge/index.js';
import { type SqsEmulator, startSqsEmulator } from './sqs-emulator.js';

export interface RedisSide {
  restUrl: string;
  restToken: string;
  /** What to show: the TCP URL behind the bridge, or the Upstash URL, without credentials. */
  displayUrl: string;
  bridge?: RestBridge;
}

/** Redis for the stack: Upstash when configured, else the REST bridge in front of `REDIS_URL`. */
export async function startRedis(upstash: boolean, settings: Config, logger: Logger): Promise<RedisSide> {
  if (upstash) {
    return {
      restUrl: settings.redis.restUrl,
      restToken: settings.redis.restToken,
      displayUrl: withoutCredentials(settings.redis.restUrl),
    };
  }
  let lastLogged = 0;
  const bridge = await startRestBridge({
    redisUrl: settings.local.redisUrl,
    token: randomBytes(24).toString('base64url'),
    // It keeps trying while Redis is down; one line every half minute says so without flooding the log.
    onRedisError: (error) => {
      if (Date.now() - lastLogged < 30_000) return;
      lastLogged = Date.now();
      logger.warn('REST bridge: Redis is unreachable; retrying', { error });
    },
  });
  return {
    restUrl: bridge.url,
    restToken: bridge.token,
    displayUrl: withoutCredentials(settings.local.redisUrl),
    bridge,
  };
}

export interface SqsSide {
  endpoint: string;
  embedded: boolean;
  client: SQSClient;
  close(): Promise<void>;
}

// A local SQS does not check signatures; the SDK only insists that there are credentials.
const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** SQS for the stack: `SQS_ENDPOINT` when set, else an embedded emulator on loopback. */
export async function startSqs(settings: Config): Promise<SqsSide> {
  const emulator: SqsEmulator | undefined =
    settings.sqs.endpoint === undefined ? await startSqsEmulator() : undefined;
  const endpoint = emulator?.endpoint ?? (settings.sqs.endpoint as string);
  const client = createSqsClient({
    region: settings.sqs.region,
    timeoutMs: settings.sqs.timeoutMs,
    endpoint,
    credentials: DUMMY_CREDENTIALS,
  });
  return {
    endpoint,
    embedded: emulator !== undefined,
    client,
    async close() {
      client.destroy();
      await emulator?.stop();
    },
  };
}

const REDIS_CHECK_TIMEOUT_MS = 2_000;

/** One real round trip at start, with a start-up sized deadline, to say plainly whether Redis is there. */
export async function checkRedis(
  side: RedisSide,
): Promise<{ reachable: boolean; latencyMs?: number; error?: string }> {
  const probe = new Redis({
    url: side.restUrl,
    token: side.restToken,
    retry: { retries: 0 },
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(REDIS_CHECK_TIMEOUT_MS),
  });
  const started = performance.now();
  try {
    if ((await probe.ping()) !== 'PONG') throw new Error('Redis did not answer PONG');
    return { reachable: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { reachable: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
