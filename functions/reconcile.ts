import { tandem } from './tandem.js';

/** The reconcile function (see serverless.yml). */
export const handler = tandem.handlers.reconcile;
