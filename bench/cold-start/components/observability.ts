// Cold-start component: lib/observability alone (Powertools Logger and Metrics behind Tandem's interfaces).
import { createLogger, createMetrics } from '../../../lib/observability/index.js';

const logger = createLogger({ fields: { queue: 'bench' } });
const metrics = createMetrics({ defaults: { queue: 'bench' }, logger });

export const handler = async () => {
  metrics.add('Enqueued', 1, { via: 'redis' });
  metrics.flush();
};
