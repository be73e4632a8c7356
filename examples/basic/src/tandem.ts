import { createTandem } from 'tandem';
import { sendWelcome } from './tasks.js';

/**
 * The service's one Tandem; every function file takes its handler from it. Nothing is read or connected
 * at import: the environment is read on a container's first invocation.
 */
export const tandem = createTandem({ tasks: [sendWelcome] });
