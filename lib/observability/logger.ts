import type { Context } from 'aws-lambda';
import type { TaskLogger } from '../tasks/define-task.js';

/** Lowest level a logger writes; `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * What a log line takes from the Lambda context. Lambda passes all of it; tests and the local stack may
 * pass less, and the missing keys are left out of the line.
 */
export type InvocationContext = Partial<
  Pick<
    Context,
    'awsRequestId' | 'functionName' | 'functionVersion' | 'invokedFunctionArn' | 'memoryLimitInMB'
  >
>;

export interface Logger extends TaskLogger {
  /** A logger whose lines all carry `fields` (task id, trace id, path…). */
  child(fields: Record<string, unknown>): Logger;
  /**
   * Attaches this invocation's Lambda context: from now on every line of this logger and of all its
   * children, including those made earlier, carries `function_request_id`, `function_name`, `cold_start`
   * (true on the container's first invocation only) and the function's ARN, version and memory. Handlers
   * call it first thing. It is per container, as Lambda runs one invocation at a time per container.
   * Optional, so that loggers that know nothing of Lambda (test fakes, a caller's own) still fit.
   *
   * @example
   * export const handler = async (event: unknown, context: Context) => {
   *   runtime.logger.addContext?.(context);
   *   // …
   * };
   */
  addContext?(context: InvocationContext): void;
}

/** A logger that drops everything: for tests and callers that do not care. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
  addContext: () => {},
};
