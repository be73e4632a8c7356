import type { TaskLogger } from '../tasks/define-task.js';
import { errorMessage } from './error-message.js';

export interface Logger extends TaskLogger {
  /** A logger whose lines all carry `fields` (task id, trace id, path…). */
  child(fields: Record<string, unknown>): Logger;
}

export const LogLevels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LogLevels;

// Field names whose values never reach a log line, at any depth.
const SECRET_FIELD = /token|secret|authorization|password|signature/i;

export interface JsonLoggerOptions {
  level?: LogLevel;
  fields?: Record<string, unknown>;
  write?: (line: string) => void;
}

/**
 * One JSON object per line, the shape CloudWatch Logs Insights queries well. Kept dependency-free so that
 * lib/ works the same in Lambda, in the local stack and in tests.
 */
export function createJsonLogger({
  level = 'info',
  fields = {},
  write = (line) => process.stdout.write(`${line}\n`),
}: JsonLoggerOptions = {}): Logger {
  const threshold = LogLevels[level];
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>, message: string, extra?: Record<string, unknown>) => {
    if (LogLevels[lineLevel] < threshold) return;
    // The line's own keys come last: a field named `message` or `level` must not rewrite them.
    const entry = { ...fields, ...extra, level: lineLevel, time: new Date().toISOString(), message };
    write(stringify(entry));
  };
  return {
    debug: (message, extra) => emit('debug', message, extra),
    info: (message, extra) => emit('info', message, extra),
    warn: (message, extra) => emit('warn', message, extra),
    error: (message, extra) => emit('error', message, extra),
    child: (more) => createJsonLogger({ level, fields: { ...fields, ...more }, write }),
  };
}

/** A logger that drops everything: for tests and callers that do not care. */
export const silentLogger: Logger = createJsonLogger({ level: 'silent' });

/** Logging must never throw: a circular or BigInt field degrades the line instead of failing the caller. */
function stringify(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry, redact);
  } catch (error) {
    const { level, time, message } = entry;
    return JSON.stringify({
      level,
      time,
      message,
      logError: errorMessage(error),
    });
  }
}

function redact(key: string, value: unknown): unknown {
  if (SECRET_FIELD.test(key) && value !== undefined && value !== null) return '[redacted]';
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
