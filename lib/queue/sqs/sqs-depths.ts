import type { MessageCounts } from './sqs-message-queue.js';

/** Anything with SQS message counts: the task queue, the dead-letter queue, the journal. */
export interface CountsMessages {
  counts(): Promise<MessageCounts>;
}

/**
 * Depths of Tandem's three queues for the reconciler's metrics. SQS reports no age of the oldest message
 * through its API (only CloudWatch's ApproximateAgeOfOldestMessage does), so there is none here.
 */
export interface SqsDepths {
  tasks: MessageCounts;
  deadLetters: MessageCounts;
  journal: MessageCounts;
}

/** Three GetQueueAttributes calls in parallel; throws a QueueError if any fails. */
export async function readSqsDepths(queues: {
  tasks: CountsMessages;
  deadLetters: CountsMessages;
  journal: CountsMessages;
}): Promise<SqsDepths> {
  const [tasks, deadLetters, journal] = await Promise.all([
    queues.tasks.counts(),
    queues.deadLetters.counts(),
    queues.journal.counts(),
  ]);
  return { tasks, deadLetters, journal };
}
