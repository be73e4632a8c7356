import type { AddressInfo } from 'node:net';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { createEmulatorClient } from '../../local/sqs-emulator.js';

/** fauxqs on a loopback port, counting the SQS API requests it receives, by action. */
export interface CountingSqs {
  readonly endpoint: string;
  /** A client for set-up (region us-east-1, dummy credentials). */
  readonly client: SQSClient;
  /** Requests since the start or the last `reset()`, by action (`SendMessage`, `ReceiveMessage`, …). */
  requests(): Record<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountingSqs(): Promise<CountingSqs> {
  const counts = new Map<string, number>();
  const app = buildApp({ logger: false });
  app.addHook('onRequest', async (request) => {
    // The SDK's JSON protocol names the action in X-Amz-Target ("AmazonSQS.SendMessage").
    const target = request.headers['x-amz-target'];
    const action = typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) : 'other';
    counts.set(action, (counts.get(action) ?? 0) + 1);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    client: createEmulatorClient(endpoint),
    requests: () => Object.fromEntries(counts),
    reset: () => counts.clear(),
    stop: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
