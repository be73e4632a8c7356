import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { ensureTandemQueues } from '../local/ensure-tandem-queues.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { startSqsEmulator } from '../test/support/sqs-emulator.js';
import {
  firstEvent,
  type ProbeBackends,
  probe,
  probeEnv,
  succeeded,
} from './cold-start/first-invocations.js';
import type { BenchOptions } from './support/bench-options.js';
import { startBridgeProcess } from './support/bridge-process.js';
import { BENCH_API_TOKEN } from './support/deployment-env.js';
import { median, ratio, round } from './support/stats.js';

export interface BundleResult {
  bytes: number;
  /** bytes ÷ the baseline's bytes. */
  bytesRatio: number;
  /** Module evaluation time of the bundle in a fresh `node` process (median). */
  initMs: number;
  /** initMs ÷ the baseline's initMs. */
  initRatio: number;
}

export interface FunctionResult extends BundleResult {
  /** Init plus the first call against the bridge and the emulator, in one fresh process (median). */
  firstInvokeMs: number;
  /** firstInvokeMs ÷ the baseline's (init plus its first SendMessage). */
  firstInvokeRatio: number;
}

export interface ColdStartResults {
  baseline: { bytes: number; initMs: number; firstInvokeMs: number };
  functions: Record<string, FunctionResult>;
  /** Single dependencies bundled alone the same way: where a function's bytes and init time come from. */
  components: Record<string, BundleResult>;
  runs: number;
  /** How the bundles were made and run. */
  build: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASELINE = fileURLToPath(new URL('./cold-start/baseline-handler.ts', import.meta.url));
const COMPONENTS = fileURLToPath(new URL('./cold-start/components', import.meta.url));
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

// The settings of serverless.yml's `custom.esbuild`. The target is the Node that runs the probes: node22,
// as deployed, when the bench runs on Node 22 (CI's second run), else that Node's own.
const BUILD_SETTINGS: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: `node${Math.min(NODE_MAJOR, 22)}`,
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __tandemCreateRequire } from 'node:module'; const require = __tandemCreateRequire(import.meta.url);",
  },
  logLevel: 'silent',
};

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

interface Bundle {
  name: string;
  kind: 'baseline' | 'function' | 'component';
  path: string;
  bytes: number;
}

async function buildBundles(outdir: string): Promise<Bundle[]> {
  const functions = functionEntries().map((file) => ({ name: basename(file, '.ts'), file }));
  const entries: { name: string; kind: Bundle['kind']; file: string; plugins?: Plugin[] }[] = [
    { name: 'baseline', kind: 'baseline', file: BASELINE },
    ...functions.map((entry) => ({ ...entry, kind: 'function' as const })),
    ...readdirSync(COMPONENTS)
      .filter((file) => file.endsWith('.ts'))
      .sort()
      .map((file) => ({
        name: basename(file, '.ts'),
        kind: 'component' as const,
        file: join(COMPONENTS, file),
      })),
  ];
  const bundles: Bundle[] = [];
  for (const entry of entries) {
    const path = join(outdir, `${entry.kind}-${entry.name}.mjs`);
    await build({
      ...BUILD_SETTINGS,
      entryPoints: [entry.file],
      outfile: path,
      absWorkingDir: ROOT,
      plugins: entry.plugins ?? [],
    });
    bundles.push({ name: entry.name, kind: entry.kind, path, bytes: statSync(path).size });
  }
  return bundles;
}

/**
 * Section 5: per function, bundle bytes, module init time, and init plus the first invocation against
 * the REST bridge and the SQS emulator, against a baseline handler
 * that imports only `@aws-sdk/client-sqs` and sends one message. Every probe is a fresh `node` process;
 * bundles are interleaved, medians of several rounds.
 */
export async function measureColdStart(options: BenchOptions): Promise<ColdStartResults> {
  const outdir = mkdtempSync(join(tmpdir(), 'tandem-bench-bundles-'));
  const redis = await startRedisServer();
  const sqs = await startSqsEmulator();
  try {
    const bridge = await startBridgeProcess(redis.url);
    try {
      const queues = await ensureTandemQueues(sqs.client, { prefix: 'bench-cold' });
      const backends: ProbeBackends = {
        redisUrl: bridge.url,
        redisToken: bridge.token,
        sqsEndpoint: sqs.endpoint,
        ...queues,
        apiToken: BENCH_API_TOKEN,
      };
      const env = probeEnv(backends);
      const bundles = await buildBundles(outdir);
      const init = new Map<Bundle, number[]>(bundles.map((bundle) => [bundle, []]));
      const first = new Map<Bundle, number[]>(bundles.map((bundle) => [bundle, []]));
      // One untimed round first: the page cache then holds every bundle, as a warm Lambda host's would.
      for (let run = -1; run < options.coldStartRuns; run += 1) {
        for (let k = 0; k < bundles.length; k += 1) {
          const bundle = bundles[(Math.max(run, 0) + k) % bundles.length] as Bundle;
          const invokes = bundle.kind === 'baseline' || bundle.kind === 'function';
          const event = invokes ? firstEvent(bundle.name, backends) : undefined;
          const timing = await probe(bundle.path, env, event);
          if (invokes && !succeeded(bundle.name, timing.result)) {
            throw new Error(`${bundle.name}'s first invocation failed: ${JSON.stringify(timing.result)}`);
          }
          if (run < 0) continue;
          init.get(bundle)?.push(timing.initMs);
          if (timing.invokeMs !== undefined) first.get(bundle)?.push(timing.initMs + timing.invokeMs);
        }
      }
      return summarize(bundles, init, first, options.coldStartRuns);
    } finally {
      await bridge.close();
    }
  } finally {
    await Promise.allSettled([sqs.stop(), redis.stop()]);
    rmSync(outdir, { recursive: true, force: true });
  }
}

function summarize(
  bundles: Bundle[],
  init: Map<Bundle, number[]>,
  first: Map<Bundle, number[]>,
  runs: number,
): ColdStartResults {
  const baseline = bundles.find((bundle) => bundle.kind === 'baseline') as Bundle;
  const medianOf = (samples: Map<Bundle, number[]>, bundle: Bundle) =>
    round(median(samples.get(bundle) ?? []));
  const base = {
    bytes: baseline.bytes,
    initMs: medianOf(init, baseline),
    firstInvokeMs: medianOf(first, baseline),
  };
  const bundleResult = (bundle: Bundle): BundleResult => {
    const initMs = medianOf(init, bundle);
    return {
      bytes: bundle.bytes,
      bytesRatio: ratio(bundle.bytes, base.bytes),
      initMs,
      initRatio: ratio(initMs, base.initMs),
    };
  };
  const functions: Record<string, FunctionResult> = {};
  const components: Record<string, BundleResult> = {};
  for (const bundle of bundles) {
    if (bundle.kind === 'component') components[bundle.name] = bundleResult(bundle);
    if (bundle.kind !== 'function') continue;
    const firstInvokeMs = medianOf(first, bundle);
    functions[bundle.name] = {
      ...bundleResult(bundle),
      firstInvokeMs,
      firstInvokeRatio: ratio(firstInvokeMs, base.firstInvokeMs),
    };
  }
  return {
    baseline: base,
    functions,
    components,
    runs,
    build: `esbuild JS API as serverless.yml (ESM, minified, platform node, target ${BUILD_SETTINGS.target}); probes on node ${process.version}`,
  };
}
