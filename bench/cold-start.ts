import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import type { BenchOptions } from './support/bench-options.js';
import { median, ratio, round } from './support/stats.js';

export interface BundleResult {
  bytes: number;
  /** Module evaluation time of the bundle in a fresh `node` process (median). */
  initMs: number;
  /** initMs ÷ the baseline's initMs. */
  initRatio: number;
}

export interface ColdStartResults {
  baseline: Omit<BundleResult, 'initRatio'>;
  functions: Record<string, BundleResult>;
  /** Single dependencies bundled alone the same way: where a function's bytes and init time come from. */
  components: Record<string, BundleResult>;
  runs: number;
  /** How the bundles were made. */
  build: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASELINE = fileURLToPath(new URL('./cold-start/baseline-handler.ts', import.meta.url));
const COMPONENTS = fileURLToPath(new URL('./cold-start/components', import.meta.url));

// The same esbuild settings as serverless.yml's `custom.esbuild`, except the target: node20 runs here.
const BUILD_SETTINGS: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __tandemCreateRequire } from 'node:module'; const require = __tandemCreateRequire(import.meta.url);",
  },
  logLevel: 'silent',
};

/** A complete, valid environment: nothing at init may reach the network, but a config read must pass. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9',
  UPSTASH_REDIS_REST_TOKEN: 'bench-token',
  TASK_QUEUE_URL: 'http://127.0.0.1:9/000000000000/tandem-tasks',
  DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/000000000000/tandem-dead',
  JOURNAL_QUEUE_URL: 'http://127.0.0.1:9/000000000000/tandem-journal',
  TANDEM_API_TOKENS: 'bench-token-0123456789abcdef',
  TANDEM_SIGNING_SECRET: 'bench-secret-0123456789abcdef',
};

// Runs in the fresh process: time the import of the bundle alone, and check it exports a handler.
const PROBE = `
const started = performance.now();
const mod = await import(process.argv[1]);
const initMs = performance.now() - started;
if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler');
process.stdout.write(JSON.stringify({ initMs }));
`;

/** Function entries: the files under functions/ that export a Lambda `handler`. */
export function functionEntries(): string[] {
  const dir = join(ROOT, 'functions');
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  } catch {
    return [];
  }
  return files
    .map((file) => join(dir, file))
    .filter((file) =>
      /^export\s+(const|async\s+function|function)\s+handler\b/m.test(readFileSync(file, 'utf8')),
    )
    .sort();
}

/**
 * Section 5: bundle bytes and module init time per function, against a baseline handler that imports only
 * `@aws-sdk/client-sqs`. Each import runs in a fresh `node` process, bundles interleaved, median of several.
 */
export async function measureColdStart(options: BenchOptions): Promise<ColdStartResults> {
  const outdir = mkdtempSync(join(tmpdir(), 'tandem-bench-bundles-'));
  try {
    const functionNames = functionEntries().map((file) => ({ name: basename(file, '.ts'), file }));
    const componentNames = readdirSync(COMPONENTS)
      .filter((file) => file.endsWith('.ts'))
      .sort()
      .map((file) => ({ name: `component:${basename(file, '.ts')}`, file: join(COMPONENTS, file) }));
    const entries = [{ name: 'baseline', file: BASELINE }, ...functionNames, ...componentNames];
    const bundles: { name: string; path: string; bytes: number }[] = [];
    for (const entry of entries) {
      const path = join(outdir, `${entry.name.replace(':', '-')}.mjs`);
      await build({ ...BUILD_SETTINGS, entryPoints: [entry.file], outfile: path, absWorkingDir: ROOT });
      bundles.push({ name: entry.name, path, bytes: statSync(path).size });
    }
    const samples = new Map<string, number[]>(bundles.map((bundle) => [bundle.name, []]));
    // One untimed round first: the page cache then holds every bundle, as a warm Lambda host's would.
    for (let run = -1; run < options.coldStartRuns; run += 1) {
      for (let k = 0; k < bundles.length; k += 1) {
        const bundle = bundles[(Math.max(run, 0) + k) % bundles.length] as (typeof bundles)[number];
        const initMs = await importInFreshProcess(bundle.path);
        if (run >= 0) samples.get(bundle.name)?.push(initMs);
      }
    }
    const initOf = (name: string) => round(median(samples.get(name) ?? []));
    const baselineInit = initOf('baseline');
    const functions: Record<string, BundleResult> = {};
    const components: Record<string, BundleResult> = {};
    for (const bundle of bundles) {
      if (bundle.name === 'baseline') continue;
      const initMs = initOf(bundle.name);
      const result = { bytes: bundle.bytes, initMs, initRatio: ratio(initMs, baselineInit) };
      if (bundle.name.startsWith('component:')) components[bundle.name.slice('component:'.length)] = result;
      else functions[bundle.name] = result;
    }
    const baseline = bundles.find((bundle) => bundle.name === 'baseline');
    return {
      baseline: { bytes: baseline?.bytes ?? 0, initMs: baselineInit },
      functions,
      components,
      runs: options.coldStartRuns,
      build:
        'esbuild JS API: ESM, minified, platform node, target node20, same mainFields and banner as serverless.yml',
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function importInFreshProcess(bundlePath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '--no-warnings', '-e', PROBE, pathToFileURL(bundlePath).href],
      { env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`importing ${basename(bundlePath)} failed (exit ${code}): ${err.slice(-2000)}`));
        return;
      }
      resolve((JSON.parse(out) as { initMs: number }).initMs);
    });
  });
}
