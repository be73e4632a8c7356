import type { AppTelemetry } from './app-telemetry.js';
import type { OpsRecorder } from './ops-recorder.js';

/**
 * The use cases' telemetry with the operations timeline added: breaker transitions, failovers and
 * dead-letterings are told to the recorder as well as logged and counted.
 *
 * @example
 * const telemetry = withOpsTimeline(appTelemetry(logger, metrics), recorder);
 */
export function withOpsTimeline(telemetry: AppTelemetry, recorder: OpsRecorder): AppTelemetry {
  return {
    ...telemetry,
    breakerTransition(from, to) {
      telemetry.breakerTransition(from, to);
      recorder.breaker(from, to);
    },
    failover(event) {
      telemetry.failover(event);
      recorder.failover(event);
    },
    sqsBatch(records, result, durationMs) {
      telemetry.sqsBatch(records, result, durationMs);
      const dead = result.outcomes.dead;
      if (dead > 0) recorder.record({ kind: 'dead-lettered', via: 'sqs', tasks: dead });
      const unenforced = result.limitsUnenforced;
      if (unenforced > 0) recorder.record({ kind: 'limits-unenforced', tasks: unenforced });
    },
    drain(summary, durationMs) {
      telemetry.drain(summary, durationMs);
      if (summary.dead > 0) recorder.record({ kind: 'dead-lettered', via: 'redis', tasks: summary.dead });
    },
  };
}
