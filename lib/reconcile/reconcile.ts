import { randomUUID } from 'node:crypto';
import { errorMessage } from '../observability/error-message.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { SqsDepths } from '../queue/sqs/sqs-depths.js';
import type { MessageCounts } from '../queue/sqs/sqs-message-queue.js';
import type { LeasingTaskQueue, RedisDepths } from '../queue/task-queue.js';
import { catchUpJournal, type JournalCatchUp } from './catch-up-journal.js';

/** The SQS side as the reconciler sees it. */
export interface ReconcileSqs {
  drainJournal: JournalCatchUp['drainJournal'];
  depths(): Promise<SqsDepths>;
}

export interface ReconcileOptions {
  redis: LeasingTaskQueue & { ping(): Promise<void> };
  sqs: ReconcileSqs;
  wakeConsumer: () => Promise<void>;
  logger: Logger;
  metrics: Metrics;
  /** Longer than one run, shorter than the schedule (default 55 s for a one-minute schedule). */
  lockTtlMs?: number;
  /** Journal entries written back per run, in pages of ten. */
  maxJournalEntries?: number;
  maxReaped?: number;
  maxPromoted?: number;
  /** A ready task older than this wakes a consumer even while the slot looks held (default 30 s). */
  staleReadyMs?: number;
}

export interface ReconcileReport {
  ran: boolean;
  redis: { ok: boolean; latencyMs: number; error?: string };
  journalApplied: number;
  reaped: { requeued: number; dead: number };
  promoted: number;
  woke: boolean;
  redisDepths?: RedisDepths;
  sqsDepths?: SqsDepths;
  errors: string[];
}

const LOCK = 'reconcile';

/**
 * One reconciler pass (scheduled every minute). The order matters: journaled outcomes are written back
 * before expired leases are reaped, so a task whose ack was journaled is not run again; then due tasks
 * are promoted and a consumer woken for any backlog. Each step runs even if another failed, and the
 * report says what happened. When Redis is down only the SQS metrics are published.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const { redis, sqs, logger, metrics } = options;
  const report: ReconcileReport = {
    ran: false,
    redis: { ok: false, latencyMs: 0 },
    journalApplied: 0,
    reaped: { requeued: 0, dead: 0 },
    promoted: 0,
    woke: false,
    errors: [],
  };
  const step = async (name: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      report.errors.push(`${name}: ${errorMessage(error)}`);
    }
  };

  // SQS is read first, beside the ping: the journal's count says whether the pass must wait on it.
  const [health] = await Promise.all([
    healthOf(redis),
    step('sqs depths', async () => {
      report.sqsDepths = await sqs.depths();
    }),
  ]);
  report.redis = health;
  if (!health.ok) report.errors.unshift(`redis health: ${health.error}`);

  if (report.redis.ok) {
    if (!(await lockedPass(options, report, step))) {
      logger.info('reconcile skipped: another run holds the lock', { ...report });
      return report;
    }
  } else {
    report.ran = true;
  }

  publish(metrics, report);
  logger[isQuiet(report) ? 'debug' : 'info']('reconcile finished', { ...report });
  return report;
}

type Step = (name: string, work: () => Promise<void>) => Promise<void>;

async function healthOf(redis: ReconcileOptions['redis']): Promise<ReconcileReport['redis']> {
  const started = performance.now();
  try {
    await redis.ping();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: 0, error: errorMessage(error) };
  }
}

/** The Redis side of a pass, under the lock: false when another run holds it. */
async function lockedPass(options: ReconcileOptions, report: ReconcileReport, step: Step): Promise<boolean> {
  const { redis } = options;
  const token = randomUUID();
  let locked = false;
  await step('lock', async () => {
    locked = await redis.acquireLock(LOCK, token, options.lockTtlMs ?? 55_000);
  });
  if (!locked) return false;
  report.ran = true;
  try {
    await replayJournal(options, report, step);
    await step('reap', async () => {
      const reaped = await redis.reapExpired(options.maxReaped ?? 1000);
      report.reaped = { requeued: reaped.requeued.length, dead: reaped.dead.length };
    });
    let slotFreed = false;
    await step('promote', async () => {
      const promoted = await redis.promoteDue(options.maxPromoted ?? 10_000);
      report.promoted = promoted.promoted;
      slotFreed = promoted.wakeConsumer;
    });
    await step('redis depths', async () => {
      report.redisDepths = await redis.depths();
    });
    await step('wake', async () => {
      if (!shouldWake(report, slotFreed, options.staleReadyMs ?? 30_000)) return;
      await options.wakeConsumer();
      report.woke = true;
    });
  } finally {
    await step('unlock', () => redis.releaseLock(LOCK, token));
  }
  return true;
}

/** A pass that changed nothing and met no error: at debug, so an idle queue's log stays quiet. */
function isQuiet(report: ReconcileReport): boolean {
  const { journalApplied, reaped, promoted, woke, errors } = report;
  return journalApplied + reaped.requeued + reaped.dead + promoted === 0 && !woke && errors.length === 0;
}

/**
 * Wake a consumer when work waits and nobody holds the slot, and also when the slot is held but looks dead:
 * a reaped lease means its consumer stopped (crashed, frozen, out of time) while its slot outlives it, and a
 * ready task older than `staleReadyMs` means nobody is draining (e.g. a wake-up reserved by an enqueue whose
 * reply was lost in a Redis stall). A second consumer next to a live one is harmless: claims are atomic.
 */
function shouldWake(report: ReconcileReport, slotFreed: boolean, staleReadyMs: number): boolean {
  const ready = report.redisDepths?.ready;
  const stale = ready !== undefined && ready.depth > 0 && ready.oldestAgeMs > staleReadyMs;
  return slotFreed || report.reaped.requeued > 0 || stale;
}

/**
 * A long poll answers as soon as an entry is there, but waits out its second when the journal is empty,
 * which it is on almost every pass: billed Lambda time each minute. So the pass waits only when SQS counts
 * entries; when it counts none, one short poll still looks, since the counts lag a fresh send.
 */
function journalWait(report: ReconcileReport): { waitSeconds?: number } {
  const journal = report.sqsDepths?.journal;
  return journal && journal.visible + journal.inFlight + journal.delayed === 0 ? { waitSeconds: 0 } : {};
}

async function replayJournal(options: ReconcileOptions, report: ReconcileReport, step: Step) {
  await step('journal', async () => {
    report.journalApplied += await catchUpJournal(
      {
        drainJournal: options.sqs.drainJournal,
        applyJournal: (entries) => options.redis.applyJournal(entries),
      },
      { maxEntries: options.maxJournalEntries ?? 1000, ...journalWait(report) },
    );
  });
}

function publish(metrics: Metrics, report: ReconcileReport): void {
  metrics.add('RedisReachable', report.redis.ok ? 1 : 0);
  metrics.add('JournalApplied', report.journalApplied);
  metrics.add('LeasesReaped', report.reaped.requeued + report.reaped.dead);
  metrics.add('TasksPromoted', report.promoted);
  for (const [set, value] of Object.entries(report.redisDepths ?? {})) {
    metrics.add('QueueDepth', value.depth, { backend: 'redis', set });
    metrics.add('OldestAge', value.oldestAgeMs, { backend: 'redis', set });
  }
  for (const [queue, counts] of Object.entries(report.sqsDepths ?? {})) {
    for (const [kind, value] of Object.entries(counts as MessageCounts)) {
      metrics.add('QueueDepth', value, { backend: 'sqs', set: `${queue}.${kind}` });
    }
  }
  metrics.flush();
}
