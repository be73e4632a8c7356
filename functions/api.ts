import { tandem } from './tandem.js';

/** The api function (see serverless.yml). */
export const handler = tandem.handlers.api;
