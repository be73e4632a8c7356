import type { Redis } from '@upstash/redis';
import type { RedisTransport } from './redis-transport.js';

export interface RedisTaskQueueOptions {
  /** An Upstash client (HTTP), or any {@link RedisTransport} such as {@link ioredisTransport} (TCP). */
  redis: Redis | RedisTransport;
  queueName: string;
  idempotencyTtlMs: number;
  resultTtlMs: number;
  /** How long a wake-up reserves the consumer slot before a consumer claims it. */
  wakeHoldMs?: number;
  /** Due tasks moved from delayed to ready per claim. */
  maxPromotions?: number;
  /**
   * Ready entries one claim looks at (default 1000): tasks of keys at their limit are parked on the way,
   * and the bound keeps one script call short when thousands of them sit in front.
   */
  maxClaimScan?: number;
  clock?: () => number;
}
