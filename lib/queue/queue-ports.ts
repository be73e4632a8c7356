import type { TaskEnvelope } from '../tasks/task-envelope.js';
import type { QueueAdapters } from './create-queue-adapters.js';
import { type FailoverEvent, FailoverProducer } from './failover/failover-producer.js';
import type { BreakerState } from './guard/circuit-breaker.js';
import { GuardedOpsStore } from './guard/guarded-ops-store.js';
import { GuardedTaskQueue, type RedisTaskPort } from './guard/guarded-task-queue.js';
import type { OpsStore } from './ops-store.js';
import type { DrainResult } from './sqs/outage-journal.js';
import type { DeadLetter, TakeDeadLetters } from './sqs/sqs-dead-letter-queue.js';
import { visibilityWaitSeconds } from './sqs/sqs-delay.js';
import type { SqsDepths } from './sqs/sqs-depths.js';
import type { SqsHealth } from './sqs/sqs-health.js';
import type { JournalEntry } from './task-queue.js';
import { boundedSender, type SendWake } from './wake/send-wake.js';

/** What the SQS consumer does to the record it was handed, besides running it. */
export interface SqsDelivery {
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /**
   * A task arrived before its runAt (SQS delays stop at 15 minutes): re-send it with the remaining delay
   * ('resent': this message can go), or keep this message hidden until then ('waiting', FIFO queues).
   */
  defer(envelope: TaskEnvelope, receiptHandle: string): Promise<'resent' | 'waiting'>;
  deadLetter(envelope: TaskEnvelope, reason: string, attempt: number): Promise<void>;
  /** For a record that is not a task at all: kept with its reason for a human to look at. */
  deadLetterRaw(body: string, reason: string): Promise<void>;
}

/** Outcomes recorded while Redis could not take them, written back later by the reconciler. */
export interface JournalPort {
  record(entry: JournalEntry): Promise<void>;
  drain(
    max: number,
    apply: (entries: JournalEntry[]) => Promise<number>,
    waitSeconds?: number,
  ): Promise<DrainResult>;
}

/** The SQS dead-letter queue as the dead-letter use case sees it. */
export interface DeadLetterStore {
  listDeadLetters(max: number): Promise<DeadLetter[]>;
  takeDeadLetters(
    request: TakeDeadLetters,
    replay: (letters: DeadLetter[]) => Promise<void>,
  ): Promise<unknown>;
}

/**
 * Everything the use cases may touch of the two queues: ports in domain words, Redis behind the one
 * guard. Built from the adapters by {@link toQueuePorts}; nothing outside `lib/queue` sees an adapter.
 */
export interface QueuePorts {
  redis: RedisTaskPort;
  /** Starts a consumer through the task queue's event source, after `delaySeconds` (0 for now). */
  sendWake: SendWake;
  producer: Pick<FailoverProducer, 'enqueue'>;
  delivery: SqsDelivery;
  journal: JournalPort;
  deadLetters: DeadLetterStore;
  sqsDepths(): Promise<SqsDepths>;
  sqsHealth(): Promise<SqsHealth>;
  breakerState(): BreakerState;
  /** The operations store (listing, counts, timeline, paced replays), behind the same guard as `redis`. */
  ops: OpsStore;
}

export interface QueuePortOptions {
  /** `Retry-After` given to callers when neither backend accepted. */
  retryAfterSeconds: number;
  enqueueTimeoutMs: { redis: number; sqs: number };
  onFailover?: (event: FailoverEvent) => void;
  /** Told of a wake-up that could not be sent (the reconciler arms it again). */
  onWakeError?: (error: unknown, delaySeconds: number) => void;
}

/**
 * Wraps the adapters into ports.
 *
 * @example
 * const ports = toQueuePorts(createQueueAdapters(config), { retryAfterSeconds: 2, enqueueTimeoutMs });
 */
export function toQueuePorts(adapters: QueueAdapters, options: QueuePortOptions): QueuePorts {
  const { sqs, guard, fifo } = adapters;
  const sendWake = boundedSender((delaySeconds) => sqs.tasks.sendWake(delaySeconds), {
    onError: options.onWakeError ?? (() => {}),
  });
  const redis = new GuardedTaskQueue(adapters.redis, guard, sendWake);
  const producer = new FailoverProducer({
    primary: redis,
    fallback: sqs.tasks,
    journal: sqs.journal,
    fallbackTimeoutMs: options.enqueueTimeoutMs.sqs,
    retryAfterSeconds: options.retryAfterSeconds,
    ...(options.onFailover !== undefined && { onEvent: options.onFailover }),
  });
  const delivery: SqsDelivery = {
    changeVisibility: (handle, seconds) => sqs.tasks.changeVisibility(handle, seconds),
    // FIFO queues refuse per-message delays, so there an early task waits out its time hidden instead.
    defer: async (envelope, receiptHandle) => {
      if (!fifo) {
        await sqs.tasks.hop(envelope);
        return 'resent';
      }
      await sqs.tasks.changeVisibility(receiptHandle, visibilityWaitSeconds(envelope.runAt, Date.now()));
      return 'waiting';
    },
    deadLetter: (envelope, reason, attempt) => sqs.deadLetters.deadLetter(envelope, reason, attempt),
    deadLetterRaw: (body, reason) => sqs.deadLetters.deadLetterRaw(body, reason),
  };
  return {
    redis,
    sendWake,
    producer,
    delivery,
    journal: sqs.journal,
    deadLetters: sqs.deadLetters,
    sqsDepths: () => sqs.depths(),
    sqsHealth: () => sqs.health(),
    breakerState: () => guard.state,
    ops: new GuardedOpsStore(adapters.ops, guard),
  };
}
