import { composeAppParts, registryOf, type TandemAppOptions } from './app-parts.js';
import { consumeUseCases } from './consume-use-cases.js';
import { enqueueUseCases } from './enqueue-use-cases.js';
import { operatorUseCases } from './operator-use-cases.js';
import { reconcileUseCase } from './reconcile-use-case.js';
import type { TandemApp } from './tandem-app.js';

export type { TandemAppOptions } from './app-parts.js';

/**
 * The composition root of the whole app: builds the adapters, wraps them into ports and every use case
 * over them, once per container. What it returns is the {@link TandemApp} interface and nothing more. A
 * single Lambda function composes only its own slice of the same pieces (`./api-function-app.ts` and its siblings).
 *
 * @example
 * const app = createTandemApp({ config: loadConfig(process.env), tasks });
 * await app.enqueue({ type: 'echo', payload: { message: 'hi' } });
 */
export function createTandemApp(options: TandemAppOptions): TandemApp {
  const parts = composeAppParts(options);
  const registry = registryOf(options);
  const { config, logger, metrics } = parts;
  return {
    config,
    logger,
    metrics,
    ...enqueueUseCases(parts, registry),
    ...operatorUseCases(parts),
    ...consumeUseCases({ ...parts, registry }),
    reconcile: reconcileUseCase(parts),
  };
}
