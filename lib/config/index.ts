export { type Config, ConfigSchema } from './config-schema.js';
export { ConfigError } from './errors.js';
export { loadConfig } from './load-config.js';
