import { createConsumeFunction } from '../lib/tandem/consume-function.js';
import { tasks } from './tasks.js';

export const handler = createConsumeFunction({ tasks }); // the consume function (see serverless.yml)
