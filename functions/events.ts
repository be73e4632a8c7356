import { createEventsFunction } from '../lib/tandem/trigger-functions.js';
import { tasks } from './tasks.js';

export const handler = createEventsFunction({ tasks }); // the events function (see serverless.yml)
