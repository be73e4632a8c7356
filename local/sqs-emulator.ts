import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

/** A real SQS implementation (fauxqs) in this process, on a loopback port, silent. */
export interface SqsEmulator {
  /** `http://127.0.0.1:<port>`: give it to clients as their `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** A client for set-up and inspection (region us-east-1, dummy credentials). */
  readonly client: SQSClient;
  /** Returns the QueueUrl fauxqs issued: it finds queues by that exact string, so never build URLs by hand. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  /**
   * What the queue holds, read without receiving (fauxqs's inspection route): unlike ReceiveMessage, this
   * shows delayed and in-flight messages and when a delay ends, and changes nothing.
   */
  inspect(queueUrl: string): Promise<QueueSnapshot>;
  /** Closes the port and drops open connections; queues and messages stay in memory. */
  pause(): Promise<void>;
  /** Listens again on the same port, with the queues and messages it had. */
  resume(): Promise<void>;
  /** `pause()` then `resume()`: a short outage that loses nothing (SQS keeps what it accepted). */
  restart(): Promise<void>;
  /** Closes the port for good; everything the emulator held is gone (it lives in memory only). */
  stop(): Promise<void>;
}

/** A message as fauxqs stores it (the fields Tandem reads). */
export interface StoredMessage {
  messageId: string;
  body: string;
  /** Epoch ms when a delayed message becomes visible. */
  delayUntil?: number;
  approximateReceiveCount: number;
  messageAttributes: Record<string, { DataType: string; StringValue?: string }>;
}

export interface QueueSnapshot {
  attributes: Record<string, string>;
  messages: {
    ready: StoredMessage[];
    delayed: StoredMessage[];
    inflight: Array<{ message: StoredMessage; visibilityDeadline: number }>;
  };
}

export interface SqsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
}

const HOST = '127.0.0.1';

/**
 * Starts fauxqs from code rather than through its CLI, which always logs and binds every interface.
 * `buildApp` gives us the Fastify app, so we choose the interface (loopback only) and can close and
 * reopen its HTTP server on the same port without losing the in-memory queues (for outage tests).
 *
 * @example
 * const sqs = await startSqsEmulator();
 * const url = await sqs.createQueue('tasks');
 * await sqs.stop();
 */
export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const app = buildApp({ logger: false });
  await app.listen({ port: options.port ?? 0, host: HOST });
  const server = app.server;
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${HOST}:${port}`;
  const client = createEmulatorClient(endpoint);
  let paused = false;

  const pause = async (): Promise<void> => {
    if (paused) return;
    paused = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets would otherwise keep serving the SDK's pooled connections during the "outage".
    server.closeAllConnections();
    await closed;
  };

  const resume = async (): Promise<void> => {
    if (!paused) return;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    paused = false;
  };

  return {
    endpoint,
    port,
    client,
    async createQueue(name, attributes) {
      const created = await client.send(
        new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }),
      );
      if (!created.QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
      return created.QueueUrl;
    },
    async inspect(queueUrl) {
      const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
      const response = await fetch(`${endpoint}/_fauxqs/queues/${encodeURIComponent(name)}`);
      if (!response.ok) throw new Error(`inspect ${name}: HTTP ${response.status}`);
      return (await response.json()) as QueueSnapshot;
    },
    pause,
    resume,
    async restart() {
      await pause();
      await resume();
    },
    async stop() {
      client.destroy();
      // Fastify's close expects a listening server; reopen a paused one so it can shut down cleanly.
      await resume();
      // Long polls still waiting would hold close() open for up to their wait time.
      server.closeAllConnections();
      await app.close();
    },
  };
}

/**
 * An SQS client for a local SQS: the emulator does not check signatures, but the SDK insists on credentials.
 *
 * @example
 * const client = createEmulatorClient(sqs.endpoint);
 */
export function createEmulatorClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}
