import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Each function imports only what it uses (BENCHMARKS.md, cold start): bundling a function file shows every
// module it loads at run time, so a stray import of the whole app fails here, not in a deployment's init.
const ROOT = join(import.meta.dirname, '..', '..', '..');

async function inputsOf(name: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    outfile: 'out.mjs',
    logLevel: 'silent',
  });
  // What the output holds: a module imported but tree-shaken away adds nothing to the bundle.
  const [output] = Object.values(result.metafile.outputs);
  return Object.entries(output?.inputs ?? {}).flatMap(([path, { bytesInOutput }]) =>
    bytesInOutput > 0 ? [path] : [],
  );
}

const API = ['node_modules/hono/', 'lib/api/', 'lib/dashboard/'];
const RUNNER = ['lib/runner/'];
const RECONCILER = ['lib/reconcile/reconcile.ts'];
const TASK_TYPES = ['lib/tasks/task-registry.ts', 'functions/tasks.ts'];

const absent: Record<string, string[]> = {
  api: [...RUNNER, ...RECONCILER],
  consume: [...API, ...RECONCILER, 'lib/app/enqueue-service.ts'],
  reconcile: [...API, ...RUNNER, ...TASK_TYPES],
  schedule: [...API, ...RUNNER, ...RECONCILER],
  events: [...API, ...RUNNER, ...RECONCILER],
};

describe('each function bundle', () => {
  for (const [name, prefixes] of Object.entries(absent)) {
    it(`${name} loads none of ${prefixes.join(', ')}`, async () => {
      const inputs = await inputsOf(name);
      expect(inputs).toContain(`functions/${name}.ts`);
      expect(inputs.filter((path) => prefixes.some((prefix) => path.includes(prefix)))).toEqual([]);
    });
  }
});
