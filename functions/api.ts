import { createApiFunction } from '../lib/tandem/api-function.js';
import { tasks } from './tasks.js';

export const handler = createApiFunction({ tasks }); // the api function (see serverless.yml)
