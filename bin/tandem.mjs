#!/usr/bin/env node
// `tandem`: Tandem's command line (lib/cli), over the HTTP API. The CLI is TypeScript run through tsx's
// loader, like the rest of this repository; configured by TANDEM_URL and TANDEM_TOKEN (or --url, --token).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../lib/cli/index.ts');
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
});
