import type { TandemClient } from '../client/index.js';

/** What a command gets: the client, where to print, and whether to print JSON. */
export interface CliContext {
  client: TandemClient;
  /** The API's URL, for messages. */
  url: string;
  json: boolean;
  out(text: string): void;
  /** True when stdout is a terminal: `watch` then redraws in place. */
  interactive: boolean;
  /** Stops `watch` (Ctrl-C). */
  signal?: AbortSignal;
}

/** A command: its own arguments in, an exit code out; it throws for the failures `describeFailure` knows. */
export type Command = (args: readonly string[], context: CliContext) => Promise<number>;
