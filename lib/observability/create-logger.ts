import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Logger, LogLevel } from './logger.js';
import { type LogFormat, PowertoolsLineLogger } from './powertools-line-logger.js';
import { redactLogValue } from './redact-log-value.js';

export interface CreateLoggerOptions {
  /**
   * Lowest level written. Default: Powertools' choice, i.e. Lambda's log level when the function sets one,
   * else `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL`, else `info`.
   */
  level?: LogLevel;
  /** The `service` key of every line; default `tandem`. */
  service?: string;
  /** Keys on every line, e.g. the queue name. */
  fields?: Record<string, unknown>;
  /** Default `json`; the local stack uses `pretty`. */
  format?: LogFormat;
  /** Where each line goes (tests, a terminal); default stdout. */
  write?: (line: string) => void;
}

type LineLevel = Exclude<LogLevel, 'silent'>;

// Keys Powertools keeps for the line itself and would drop from fields (with a warning line each time).
const RESERVED = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

/**
 * A {@link Logger} on Powertools for AWS Lambda's Logger: one JSON object per line with `level`, `message`,
 * `timestamp`, `service`, the Lambda context once `addContext` was called, and the fields of the logger and
 * of the call. Secret-looking fields are redacted at any depth, errors are `{ name, message }`, and logging
 * never throws: a circular reference is dropped, a BigInt written as text, and a field that cannot be
 * serialized at all turns the line into its level, message and `logError`. A field named like one of the
 * line's own keys (`message`, `level`, …) is written as `field_<name>`.
 *
 * @example
 * const logger = createLogger({ fields: { queue: 'default' } });
 * logger.addContext?.(context);
 * logger.child({ taskId }).info('task stored', { via: 'redis' });
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { level, service = 'tandem', fields = {}, format = 'json', write } = options;
  const powertools = new PowertoolsLineLogger(
    {
      serviceName: service,
      jsonReplacerFn: redactLogValue,
      ...(level !== undefined && { logLevel: level }),
    },
    { format, write },
  );
  return bindFields(powertools, fields);
}

function bindFields(powertools: PowertoolsLineLogger, fields: Record<string, unknown>): Logger {
  const line =
    (level: LineLevel) =>
    (message: string, extra?: Record<string, unknown>): void => {
      // Skipped before any work: debug lines in a drain loop cost nothing at info.
      if (LogLevelThreshold[toUpper(level)] < powertools.level) return;
      try {
        powertools[level](message, withoutReservedKeys({ ...fields, ...extra }));
      } catch (error) {
        powertools.printUnloggable(level, message, error);
      }
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (more) => bindFields(powertools, { ...fields, ...more }),
    // Powertools reads only the keys InvocationContext names; those missing are left out of the line.
    addContext: (context) => {
      if (typeof context === 'object' && context !== null) powertools.addContext(context as Context);
    },
  };
}

function withoutReservedKeys(fields: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(fields).some((key) => RESERVED.has(key))) return fields;
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [RESERVED.has(key) ? `field_${key}` : key, value]),
  );
}

function toUpper<L extends LineLevel>(level: L): Uppercase<L> {
  return level.toUpperCase() as Uppercase<L>;
}
