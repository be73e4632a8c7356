import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../../lib/tasks/http/index.js';

// The recipe receivers copy from the README, run exactly as printed there: if the README drifts from what
// Tandem sends, this fails.
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const recipe = readme.match(/```js\n([\s\S]*?verifyTandemSignature[\s\S]*?)```/)?.[1];
const dir = mkdtempSync(join(tmpdir(), 'tandem-recipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadRecipe(): Promise<(secret: string, header: string, rawBody: string) => boolean> {
  if (!recipe) throw new Error('README.md has no ```js block with verifyTandemSignature');
  const file = join(dir, 'verify.mjs');
  writeFileSync(file, recipe);
  const module = (await import(pathToFileURL(file).href)) as { verifyTandemSignature: never };
  return module.verifyTandemSignature;
}

describe('the README signature recipe', () => {
  it('verifies a real Tandem signature and refuses a tampered body or a wrong secret', async () => {
    const verify = await loadRecipe();
    const secret = 'whsec-0123456789abcdef';
    const body = JSON.stringify({ order: 42, note: 'héllo' });
    const headers = signRequest({ secret, body, taskId: 'task-1', attempt: 1 });
    const header = headers['Tandem-Signature'];
    expect(verify(secret, header, body)).toBe(true);
    expect(verify(secret, header, body.replace('42', '43'))).toBe(false);
    expect(verify('another-secret-0123456789', header, body)).toBe(false);
  });

  it('refuses an old signature (replay)', async () => {
    const verify = await loadRecipe();
    const secret = 'whsec-0123456789abcdef';
    const body = '{}';
    const headers = signRequest({ secret, body, taskId: 't', attempt: 1, now: Date.now() - 3_600_000 });
    expect(verify(secret, headers['Tandem-Signature'], body)).toBe(false);
  });
});
