import type { TandemQueueUrls } from '../../local/ensure-tandem-queues.js';

export interface BenchBackends {
  /** The REST bridge in front of the bench's redis-server. */
  redis: { url: string; token: string };
  sqsEndpoint: string;
  queues: Pick<TandemQueueUrls, 'taskQueueUrl' | 'deadLetterQueueUrl' | 'journalQueueUrl'>;
  queueName: string;
}

/** The API token every bench deployment accepts. */
export const BENCH_API_TOKEN = 'bench-token-0123456789abcdef';

/** A deployment's environment as the bench runs it: every endpoint on 127.0.0.1. */
export function deploymentEnv({
  redis,
  sqsEndpoint,
  queues,
  queueName,
}: BenchBackends): Record<string, string> {
  return {
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
    TASK_QUEUE_URL: queues.taskQueueUrl,
    DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
    JOURNAL_QUEUE_URL: queues.journalQueueUrl,
    SQS_ENDPOINT: sqsEndpoint,
    TANDEM_API_TOKENS: BENCH_API_TOKEN,
    TANDEM_SIGNING_SECRET: 'bench-secret-0123456789abcdef',
    QUEUE_NAME: queueName,
  };
}
