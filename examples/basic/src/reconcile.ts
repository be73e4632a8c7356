import { tandem } from './tandem.js';

/** The reconcile function, every minute: expired leases, due delayed tasks, the outage journal, wake-ups. */
export const handler = tandem.handlers.reconcile;
