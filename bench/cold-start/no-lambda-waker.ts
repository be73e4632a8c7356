// Stands in for lib/app/lambda-waker.ts in the cold-start section's "without the Lambda waker" bundles:
// the same exports, no `@aws-sdk/client-lambda`. It measures what the SQS wake-ups (issue 9) will save.
export const WAKE_EVENT = { source: 'tandem.wake' } as const;

export function createLambdaWaker(_functionName: string, _region: string): () => Promise<void> {
  return async () => {};
}
