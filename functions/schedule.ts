import { createScheduleFunction } from '../lib/tandem/trigger-functions.js';
import { tasks } from './tasks.js';

export const handler = createScheduleFunction({ tasks }); // the schedule function (see serverless.yml)
