import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The client becomes a package entry of its own, for code that is not a Lambda: importing it must not
// load zod, the AWS SDK, Upstash or Hono. Bundling it shows every module it loads at run time (type-only
// imports vanish), with no network.
const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('lib/client at run time', () => {
  it('loads only its own modules and no Node built-ins', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'lib/client/index.ts')],
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).sort();
    expect(inputs).toContain('lib/client/create-tandem-client.ts');
    expect(inputs.filter((path) => !path.startsWith('lib/client/'))).toEqual([]);
    const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports);
    expect(imported.filter((entry) => entry.external)).toEqual([]);
  });
});
