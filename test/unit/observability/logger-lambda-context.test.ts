import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../lib/observability/create-logger.js';
import { silentLogger } from '../../../lib/observability/logger.js';

function invocation(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'tandem-dev-consume',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:tandem-dev-consume',
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: '/aws/lambda/tandem-dev-consume',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Logger.addContext', () => {
  it('labels every line of the logger and of all its children with the request, function and cold start', () => {
    // Lambda sets this for on-demand containers; Powertools reads it when the logger is made.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) });
    const madeBefore = logger.child({ part: 'runner' });

    logger.addContext?.(invocation('request-1'));
    logger.info('root');
    madeBefore.info('older child');
    logger.child({ taskId: 't1' }).info('newer child');
    logger.addContext?.(invocation('request-2'));
    madeBefore.info('second invocation');

    const lambdaKeys = (line: Record<string, unknown> | undefined) => ({
      request: line?.function_request_id,
      function: line?.function_name,
      coldStart: line?.cold_start,
      arn: line?.function_arn,
      memory: line?.function_memory_size,
    });
    const first = {
      request: 'request-1',
      function: 'tandem-dev-consume',
      coldStart: true,
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:tandem-dev-consume',
      memory: '1024',
    };
    expect(lines.slice(0, 3).map(lambdaKeys)).toEqual([first, first, first]);
    expect(lambdaKeys(lines[3])).toEqual({ ...first, request: 'request-2', coldStart: false });
  });

  it('leaves out what a partial context lacks', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) });
    logger.addContext?.({ awsRequestId: 'request-3' });
    logger.info('partial');
    expect(lines[0]).toMatchObject({ function_request_id: 'request-3' });
    expect(lines[0]).not.toHaveProperty('function_name');
  });

  it('is there, and harmless, on the silent logger', () => {
    expect(() => silentLogger.addContext?.(invocation('request-4'))).not.toThrow();
    expect(() => silentLogger.child({ a: 1 }).error('nothing')).not.toThrow();
  });
});
