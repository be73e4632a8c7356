import { appendOpsScript } from './append-ops.js';
import { applyJournalScript } from './apply-journal.js';
import { cancelScript } from './cancel.js';
import { claimScript } from './claim.js';
import { claimRunScript } from './claim-run.js';
import { completeScript } from './complete.js';
import { countStatesScript } from './count-states.js';
import { depthsScript } from './depths.js';
import { enqueueScript } from './enqueue.js';
import { extendLeaseScript } from './extend-lease.js';
import { failScript } from './fail.js';
import { listDeadScript } from './list-dead.js';
import { listTasksScript } from './list-tasks.js';
import { lockScript } from './lock.js';
import { promoteDueScript } from './promote-due.js';
import { readIdempotentScript } from './read-idempotent.js';
import { readStreamScript } from './read-stream.js';
import { readTaskScript } from './read-task.js';
import { reapExpiredScript } from './reap-expired.js';
import { releaseScript } from './release.js';
import { releaseConsumerSlotScript } from './release-consumer-slot.js';
import { replayDeadScript } from './replay-dead.js';
import { replayDeadAtScript } from './replay-dead-at.js';
import { selectDeadScript } from './select-dead.js';
import { sweepOpsScript } from './sweep-ops.js';

/** Every state-change script of the queue, by name: one Lua script per Redis state change. */
export const scripts = {
  applyJournal: applyJournalScript,
  cancel: cancelScript,
  claimRun: claimRunScript,
  claim: claimScript,
  complete: completeScript,
  depths: depthsScript,
  enqueue: enqueueScript,
  extendLease: extendLeaseScript,
  fail: failScript,
  listDead: listDeadScript,
  lock: lockScript,
  promoteDue: promoteDueScript,
  readTask: readTaskScript,
  reapExpired: reapExpiredScript,
  releaseConsumerSlot: releaseConsumerSlotScript,
  release: releaseScript,
  replayDead: replayDeadScript,
  // Operations: the listing, counts per state, the timeline and depth samples, paced replays.
  appendOps: appendOpsScript,
  countStates: countStatesScript,
  listTasks: listTasksScript,
  readIdempotent: readIdempotentScript,
  readStream: readStreamScript,
  replayDeadAt: replayDeadAtScript,
  selectDead: selectDeadScript,
  sweepOps: sweepOpsScript,
} as const;
