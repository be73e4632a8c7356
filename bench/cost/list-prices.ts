/**
 * List prices, USD, as published by each provider (pay as you go, us-east-1, read 2026-12): what the cost
 * section multiplies its counts by. Free tiers are left out: they matter to a hobby project, not to a
 * price per million tasks.
 */
export const ListPrices = {
  /** Upstash Redis, pay as you go: $0.20 per 100,000 commands. */
  upstashPerCommand: 0.2 / 100_000,
  /** Amazon SQS, standard queue: $0.40 per million requests (each 64 KB of a payload is one request). */
  sqsPerRequest: 0.4 / 1_000_000,
  /** AWS Lambda: $0.20 per million requests (duration is billed apart, and is the task's own work). */
  lambdaPerRequest: 0.2 / 1_000_000,
  /** Upstash QStash, pay as you go: $1 per 100,000 messages. */
  qstashPerMessage: 1 / 100_000,
} as const;

/** Dollars for `count` units at `price` each, per million tasks when `count` is per task. */
export const perMillion = (countPerTask: number, price: number): number =>
  Math.round(countPerTask * price * 1_000_000 * 1000) / 1000;
