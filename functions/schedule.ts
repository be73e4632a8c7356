import { tandem } from './tandem.js';

/** The schedule function (see serverless.yml). */
export const handler = tandem.handlers.schedule;
