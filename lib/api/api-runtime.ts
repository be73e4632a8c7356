import type { Logger } from '../observability/logger.js';
import type { DeadLetterService } from '../queue/dead-letter-service.js';
import type { EnqueueService } from '../queue/enqueue-service.js';
import type { SqsBackend } from '../queue/sqs/create-sqs-backend.js';
import type { Runtime } from '../runtime/create-runtime.js';

/**
 * What the HTTP API uses of the {@link Runtime}: a structural slice, so a whole runtime fits and unit
 * tests can pass an in-memory fake.
 */
export interface ApiRuntime {
  config: {
    api: { tokens: readonly string[] };
    breaker: { cooldownMs: number };
  };
  logger: Logger;
  enqueue: Pick<EnqueueService, 'enqueue' | 'enqueueBatch'>;
  deadLetters: Pick<DeadLetterService, 'list' | 'replay'>;
  sqs: Pick<SqsBackend, 'depths'>;
  status: Runtime['status'];
  cancel: Runtime['cancel'];
  health: Runtime['health'];
  redisDepths: Runtime['redisDepths'];
}

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
