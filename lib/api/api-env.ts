import type { TandemApp } from '../app/tandem-app.js';
import type { Logger } from '../observability/logger.js';

/**
 * What the HTTP API uses of the {@link TandemApp}: a structural slice, so the whole app fits and unit
 * tests can pass an in-memory fake.
 */
export type ApiRuntime = Pick<
  TandemApp,
  'logger' | 'enqueue' | 'enqueueBatch' | 'status' | 'cancel' | 'health' | 'queues' | 'deadLetters' | 'ops'
> & {
  config: { api: { tokens: readonly string[] }; breaker: { cooldownMs: number } };
};

/** Hono's environment for the API: the Lambda binding it reads, and what each request carries. */
export interface ApiEnv {
  /**
   * Set by the Lambda adapter (the API Gateway event's request context); absent on the local server,
   * and `env` itself is absent under `app.request()`.
   */
  Bindings: { requestContext?: { requestId?: string } };
  Variables: {
    requestId: string;
    traceId: string;
    /** The runtime's logger with the request and trace ids on every line. */
    logger: Logger;
  };
}
