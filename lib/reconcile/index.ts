export { type ReconcileOptions, type ReconcileReport, reconcile } from './reconcile.js';
