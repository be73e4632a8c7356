import { createTandem } from '../lib/index.js';
import { tasks } from './tasks.js';

/**
 * The deployment's one Tandem: every function exports its handler from it. Nothing is read or connected
 * at import; the environment is read on the first invocation of a container.
 */
export const tandem = createTandem({ tasks });
