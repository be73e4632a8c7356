import { tandem } from './tandem.js';

/** The consume function (see serverless.yml). */
export const handler = tandem.handlers.consume;
