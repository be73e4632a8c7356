export { type CreateLoggerOptions, createLogger } from './create-logger.js';
export { type CreateMetricsOptions, createMetrics } from './create-metrics.js';
export { errorMessage } from './error-message.js';
export { type InvocationContext, type Logger, type LogLevel, silentLogger } from './logger.js';
export {
  MetricCatalog,
  type MetricDimensions,
  type MetricName,
  type MetricSpec,
} from './metric-catalog.js';
export { type Metrics, noMetrics } from './metrics.js';
export type { LogFormat } from './powertools-line-logger.js';
