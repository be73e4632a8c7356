import { type LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { errorMessage } from './error-message.js';
import { prettyLogLine } from './pretty-log-line.js';

/** `json`: one Powertools JSON object per line (CloudWatch); `pretty`: one readable line (a terminal). */
export type LogFormat = 'json' | 'pretty';

export interface LineOutput {
  format: LogFormat;
  /** Where each line goes. Default: Powertools' own console for `json`, stdout for `pretty`. */
  write?: ((line: string) => void) | undefined;
}

/**
 * Powertools' Logger with its last step, printing, made ours: the subclass hook Powertools offers
 * (`printLog` is protected). Everything before it stays Powertools': levels, the Lambda context, cold
 * start, keys, and its JSON replacer (ours first, then its BigInt and circular-reference handling).
 */
export class PowertoolsLineLogger extends PowertoolsLogger {
  // Assigned after super(): a line Powertools prints from its own constructor takes its default way.
  private output: LineOutput | undefined;

  constructor(options: ConstructorOptions, output: LineOutput) {
    super(options);
    this.output = output;
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    const output = this.output;
    if (output === undefined || (output.format === 'json' && output.write === undefined)) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    this.writeEntry(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }

  /**
   * The line that stands in for one that could not be made (a field whose `toJSON` or getter throws):
   * its level, message and time, and why. Logging never throws, so this one swallows a failure too.
   */
  printUnloggable(level: string, message: string, error: unknown): void {
    try {
      const entry = { level: level.toUpperCase(), message, timestamp: new Date().toISOString() };
      this.writeEntry(JSON.stringify({ ...entry, logError: errorMessage(error) }));
    } catch {
      // Nowhere left to say it.
    }
  }

  private writeEntry(json: string): void {
    const line = this.output?.format === 'pretty' ? prettyLogLine(JSON.parse(json)) : json;
    const write = this.output?.write ?? ((text: string) => process.stdout.write(`${text}\n`));
    write(line);
  }
}
