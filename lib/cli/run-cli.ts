import { createTandemClient, type FetchLike } from '../client/index.js';
import type { CliContext, Command } from './cli-context.js';
import { dead, replay } from './commands/dead.js';
import { enqueue } from './commands/enqueue.js';
import { status } from './commands/status.js';
import { show, tasks } from './commands/tasks.js';
import { watch } from './commands/watch.js';
import { CliUsageError, describeFailure, ExitCodes } from './exit-codes.js';

const COMMANDS: Record<string, Command> = { status, tasks, show, enqueue, dead, replay, watch };

export const USAGE = `Usage: tandem <command> [flags]

Commands
  status                                    live path, depths of both backends, tasks per state
  tasks [--state S] [--type T] [--limit N] [--search TEXT] [--cursor C]
                                            tasks, newest first
  show <id | idempotency key>               one task: state, attempts, last error, payload, result
  enqueue <type> --payload <json> [--delay SECONDS] [--id ID] [--key IDEMPOTENCY_KEY] [--priority P]
                 [--concurrency-key KEY] [--rate-limit-key KEY]
  dead [--limit N]                          dead tasks and why they died
  replay <id>                               replay one dead task
  replay --all [--type T] [--error TEXT] [--from ISO] [--to ISO] [--per-second N] [--limit N] [--dry-run]
                                            replay dead tasks by filter, paced; --dry-run only counts
  watch [--interval SECONDS] [--count N]    live path, depths and latest events, refreshed in place

Flags for every command
  --url URL      the API (default: TANDEM_URL)
  --token TOKEN  an API token (default: TANDEM_TOKEN)
  --json         print the API's answer as JSON, for scripts

Exit codes: 0 ok, 1 refused or failed, 2 usage, 3 token refused, 4 API unreachable,
            5 no backend available (503; status: no path accepts tasks), 6 no such (dead) task`;

export interface CliIo {
  /** Where TANDEM_URL and TANDEM_TOKEN are read from. */
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** Stops `watch`. */
  signal?: AbortSignal;
  fetch?: FetchLike;
}

/**
 * The `tandem` command line, over the HTTP API through `createTandemClient`. Resolves with the exit code;
 * every failure is one plain line on stderr.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { global, rest } = splitGlobalFlags(argv);
  const [name, ...args] = rest;
  if (global.help || name === 'help' || name === undefined) {
    (name === undefined && !global.help ? io.stderr : io.stdout).write(`${USAGE}\n`);
    return name === undefined && !global.help ? ExitCodes.usage : ExitCodes.ok;
  }
  const url = global.url ?? io.env.TANDEM_URL ?? '';
  try {
    const command = COMMANDS[name];
    if (!command) throw new CliUsageError(`unknown command ${JSON.stringify(name)}; run tandem --help`);
    const token = global.token ?? io.env.TANDEM_TOKEN ?? '';
    if (!url) throw new CliUsageError('no API URL: set TANDEM_URL or pass --url');
    if (!token) throw new CliUsageError('no API token: set TANDEM_TOKEN or pass --token');
    const context: CliContext = {
      client: createTandemClient({ url, token, ...(io.fetch !== undefined && { fetch: io.fetch }) }),
      url,
      json: global.json,
      out: (text) => io.stdout.write(`${text}\n`),
      interactive: io.stdout.isTTY === true && !global.json,
      ...(io.signal !== undefined && { signal: io.signal }),
    };
    return await command(args, context);
  } catch (error) {
    const { code, message } = describeFailure(error, url);
    io.stderr.write(`tandem: ${message}\n`);
    return code;
  }
}

/** `--url`, `--token` (with a value, or `--url=…`), `--json` and `--help` anywhere; the rest is the command's. */
function splitGlobalFlags(argv: readonly string[]) {
  const global: { url?: string; token?: string; json: boolean; help: boolean } = { json: false, help: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s, 2) as [string, string?]) : [arg];
    if (flag === '--url' || flag === '--token') {
      const value = inline ?? argv[++i];
      if (value !== undefined) global[flag === '--url' ? 'url' : 'token'] = value;
    } else if (arg === '--json') global.json = true;
    else if (arg === '--help' || arg === '-h') global.help = true;
    else rest.push(arg);
  }
  return { global, rest };
}
