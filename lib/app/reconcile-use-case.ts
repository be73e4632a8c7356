import { reconcile } from '../reconcile/reconcile.js';
import { type AppParts, journalDrain } from './app-parts.js';
import { createOpsParts } from './ops-use-cases.js';
import type { TandemApp } from './tandem-app.js';

/** One reconciler pass, then what it caused and a depth sample written to the operations timeline. */
export function reconcileUseCase(parts: AppParts): TandemApp['reconcile'] {
  const { config, ports, recorder, wakeConsumer, logger, metrics } = parts;
  const { afterReconcile } = createOpsParts({ ports, recorder, wakeConsumer, logger });
  return () =>
    reconcile({
      redis: ports.redis,
      sqs: { drainJournal: journalDrain(ports), depths: ports.sqsDepths },
      wakeConsumer,
      logger,
      metrics,
      // Sized to the schedule: a pass that loses Redis before unlocking blocks the next ones only this long.
      lockTtlMs: Math.min(55_000, Math.max(1_000, config.local.reconcileEveryMs)),
    }).then(afterReconcile);
}
