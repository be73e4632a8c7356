// `npm start`: the whole stack in this process, running this repository's task types (functions/tasks.ts).
// The environment is read here, once, and handed down.
import { tasks } from '../functions/tasks.js';
import { ConfigError } from '../lib/index.js';
import { LocalStackError } from './errors.js';
import { startLocalStack } from './start-local-stack.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
// A second signal sooner than this after the first is the same Ctrl-C delivered twice.
const REPEAT_SIGNAL_MS = 1_000;

try {
  const stack = await startLocalStack({ env: process.env, tasks });
  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive twice: the terminal signals the whole process group and tsx relays it too.
      if (Date.now() - stoppingSince < REPEAT_SIGNAL_MS) return;
      say(`${signal} again: quitting without waiting.`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    say(
      `\n${signal}: stopping. Running tasks finish or give their leases back (Ctrl-C again to quit at once).`,
    );
    stack.stop().then(
      () => {
        say('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`tandem: stopping failed: ${describe(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  // A bad variable names itself (ConfigError); anything else is a part that could not start.
  const known = error instanceof ConfigError || error instanceof LocalStackError;
  process.stderr.write(
    `tandem: the local stack did not start.\n${known ? (error as Error).message : describe(error)}\n`,
  );
  process.exit(1);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
