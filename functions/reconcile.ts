import { createReconcileFunction } from '../lib/tandem/reconcile-function.js';

// Reads no task payload, so it needs no task list.
export const handler = createReconcileFunction(); // the reconcile function (see serverless.yml)
