import { catchUpJournal } from '../reconcile/catch-up-journal.js';
import { type AppParts, journalDrain } from './app-parts.js';
import { DeadLetterService } from './dead-letter-service.js';
import { createOpsParts } from './ops-use-cases.js';
import { readHealth, readQueueOverview } from './read-health.js';
import type { TandemApp } from './tandem-app.js';

/** What the HTTP API reads and does besides enqueueing: lookups, health, depths, dead letters, ops. */
export type OperatorUseCases = Pick<
  TandemApp,
  'status' | 'cancel' | 'health' | 'queues' | 'deadLetters' | 'ops'
>;

export function operatorUseCases(parts: AppParts): OperatorUseCases {
  const { ports, recorder, wakeConsumer, logger } = parts;
  const deadLetters = new DeadLetterService({
    redis: ports.redis,
    deadLetters: ports.deadLetters,
    wakeConsumer,
    onReplayed: (ids) => recorder.replayed(ids, false),
  });
  return {
    ...lookupUseCases(parts),
    health: () => readHealth(ports),
    queues: () => readQueueOverview(ports),
    deadLetters: {
      list: (limit) => deadLetters.list(limit),
      replay: (ids, limit) => deadLetters.replay(ids, limit),
    },
    ops: createOpsParts({ ports, recorder, wakeConsumer, logger }).useCases,
  };
}

/**
 * Status and cancel. A task accepted via SQS while Redis was away is known to Redis once the journal is
 * written back: an id Redis does not know triggers that catch-up first, so an acknowledged id is never unknown.
 */
function lookupUseCases({ ports }: AppParts): Pick<TandemApp, 'status' | 'cancel'> {
  const { redis } = ports;
  const catchUp = () =>
    catchUpJournal(
      { drainJournal: journalDrain(ports), applyJournal: (entries) => redis.applyJournal(entries) },
      { maxEntries: 100, waitSeconds: 0 },
    );
  return {
    status: async (id) => (await redis.status(id)) ?? ((await catchUp()) > 0 ? redis.status(id) : null),
    cancel: async (id) => {
      const outcome = await redis.cancel(id);
      return outcome === 'not_found' && (await catchUp()) > 0 ? redis.cancel(id) : outcome;
    },
  };
}
