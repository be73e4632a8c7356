export type { CliContext, Command } from './cli-context.js';
export { CliUsageError, type ExitCode, ExitCodes } from './exit-codes.js';
export { type CliIo, runCli, USAGE } from './run-cli.js';
