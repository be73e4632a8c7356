#!/usr/bin/env node
// `tandem`: Tandem's command line (lib/cli), over the HTTP API; configured by TANDEM_URL and TANDEM_TOKEN
// (or --url, --token). In this repository it runs the TypeScript sources through tsx's loader; installed
// from the package, it runs the built `dist/cli`.
import { existsSync } from 'node:fs';

const source = new URL('../lib/cli/index.ts', import.meta.url);
let runCli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import(source.href));
} else {
  ({ runCli } = await import(new URL('../dist/cli/index.js', import.meta.url).href));
}
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
});
