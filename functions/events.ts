import { tandem } from './tandem.js';

/** The events function (see serverless.yml). */
export const handler = tandem.handlers.events;
