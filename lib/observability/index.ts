export { errorMessage } from './error-message.js';
export { createJsonLogger, type Logger, type LogLevel, silentLogger } from './logger.js';
export { createEmfMetrics, type Metrics, MetricUnits, noMetrics } from './metrics.js';
