import { loadConfig } from '../lib/config/index.js';
import { createRuntime, type Runtime } from '../lib/runtime/index.js';
import { tasks } from './tasks.js';

let runtime: Runtime | undefined;

/**
 * The container's runtime: built on first use from the environment and `tasks`, then reused by every warm
 * invocation (clients, breaker and consumer id live as long as the container). Handlers call it inside the
 * invocation, so importing a function module reads nothing. A missing or invalid variable throws a
 * `ConfigError` naming it on the first invocation of a new container, and again on every later one.
 *
 * @example
 * export const handler = async (event: unknown) => containerRuntime().reconcile();
 */
export function containerRuntime(): Runtime {
  runtime ??= createRuntime({ config: loadConfig(process.env), tasks });
  return runtime;
}
