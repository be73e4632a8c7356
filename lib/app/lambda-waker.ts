import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/** The event a wake-up sends to the consume function; its handler tells it from an SQS batch by `source`. */
export const WAKE_EVENT = { source: 'tandem.wake' } as const;

/**
 * Wakes the consume function with an asynchronous invoke: Lambda queues the event and answers at once,
 * so the enqueuer does not wait for the drain. The client is created on first use, once per container.
 */
export function createLambdaWaker(functionName: string, region: string): () => Promise<void> {
  let client: LambdaClient | undefined;
  return async () => {
    client ??= new LambdaClient({ region, maxAttempts: 2 });
    await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(WAKE_EVENT)),
      }),
    );
  };
}
