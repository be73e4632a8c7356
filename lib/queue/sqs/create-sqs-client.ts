import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

export interface SqsClientSettings {
  region: string;
  /** Longest a single request may take (`SQS_TIMEOUT_MS`); operations also carry a deadline of their own. */
  timeoutMs: number;
  /** A local SQS (emulator) only; AWS endpoints are derived from the region. */
  endpoint?: string | undefined;
  /** Attempts per call, first included (default 2): a quick refusal is retried once, a stall uses the deadline. */
  maxAttempts?: number;
  /** Only for a local SQS; in Lambda the SDK reads the function's role from its environment. */
  credentials?: SQSClientConfig['credentials'];
}

/**
 * The one SQSClient of a container, created at cold start and passed to every SQS adapter.
 *
 * The request timeout needs `throwOnRequestTimeout`: without it the SDK's HTTP handler only logs a warning
 * when `requestTimeout` passes and keeps waiting for the answer.
 *
 * @example
 * const client = createSqsClient({ region: config.sqs.region, timeoutMs: config.sqs.timeoutMs, endpoint: config.sqs.endpoint });
 */
export function createSqsClient(settings: SqsClientSettings): SQSClient {
  return new SQSClient({
    region: settings.region,
    maxAttempts: settings.maxAttempts ?? 2,
    requestHandler: {
      requestTimeout: settings.timeoutMs,
      throwOnRequestTimeout: true,
      // A host that swallows SYNs should fail fast enough to leave the retry some of the deadline.
      connectionTimeout: Math.min(settings.timeoutMs, 1000),
    },
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
  });
}
