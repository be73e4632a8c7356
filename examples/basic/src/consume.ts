import { tandem } from './tandem.js';

/** The consume function: SQS batches from the task queue, and wake-ups that drain Redis. */
export const handler = tandem.handlers.consume;
