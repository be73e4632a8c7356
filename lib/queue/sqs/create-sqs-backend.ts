import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../../config/config-schema.js';
import { OutageJournal } from './outage-journal.js';
import { SqsDeadLetterQueue } from './sqs-dead-letter-queue.js';
import { readSqsDepths, type SqsDepths } from './sqs-depths.js';
import { probeSqs, type SqsHealth } from './sqs-health.js';
import { SqsTaskQueue } from './sqs-task-queue.js';

/** Tandem's three queues on one client. */
export interface SqsBackend {
  tasks: SqsTaskQueue;
  deadLetters: SqsDeadLetterQueue;
  journal: OutageJournal;
  depths(): Promise<SqsDepths>;
  health(): Promise<SqsHealth>;
}

/**
 * Builds the SQS side from the `sqs` section of the config.
 *
 * @example
 * const sqs = createSqsBackend(createSqsClient(config.sqs), config.sqs);
 */
export function createSqsBackend(
  client: SQSClient,
  sqs: Pick<Config['sqs'], 'taskQueueUrl' | 'deadLetterQueueUrl' | 'journalQueueUrl' | 'timeoutMs'>,
): SqsBackend {
  const options = { timeoutMs: sqs.timeoutMs };
  const tasks = new SqsTaskQueue(client, sqs.taskQueueUrl, options);
  const deadLetters = new SqsDeadLetterQueue(client, sqs.deadLetterQueueUrl, options);
  const journal = new OutageJournal(client, sqs.journalQueueUrl, options);
  return {
    tasks,
    deadLetters,
    journal,
    depths: () => readSqsDepths({ tasks, deadLetters, journal }),
    health: () => probeSqs(tasks),
  };
}
