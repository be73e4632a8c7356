import type { Logger } from '../../../lib/observability/logger.js';

export interface RecordedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A {@link Logger} that keeps its lines in memory; children share the parent's list. */
export function createRecordingLogger(
  lines: RecordedLine[] = [],
  base: Record<string, unknown> = {},
): Logger & { lines: RecordedLine[] } {
  const record = (level: RecordedLine['level']) => (message: string, extra?: Record<string, unknown>) => {
    lines.push({ level, message, fields: { ...base, ...extra } });
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: (fields) => createRecordingLogger(lines, { ...base, ...fields }),
  };
}
