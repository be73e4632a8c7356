import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  functionName: string;
  /** What the invocation may take, like the function's configured timeout. */
  timeoutMs: number;
  region?: string;
  /** Once aborted, the time left reads 0, as for a function being shut down: handlers wind down. */
  stopSignal?: AbortSignal;
}

/**
 * The `context` Lambda would pass one invocation, so the local stack calls the real handlers the way
 * Lambda does: `getRemainingTimeInMillis()` counts down from `timeoutMs`.
 *
 * @example
 * await handler(event, lambdaContext({ functionName: 'consume', timeoutMs: 300_000 }));
 */
export function lambdaContext({
  functionName,
  timeoutMs,
  region = 'us-east-1',
  stopSignal,
}: LambdaContextOptions): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => (stopSignal?.aborted ? 0 : Math.max(0, deadline - Date.now())),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
