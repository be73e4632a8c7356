import { describe, expect, it } from 'vitest';
import { dashboardFile } from '../../../lib/dashboard/dashboard-file.js';
// @ts-expect-error: a plain ES module of the repository's scripts, without type declarations
import { pageFiles } from '../../../scripts/build-dashboard.mjs';

describe('the dashboard bundle', () => {
  it('holds exactly the files of lib/dashboard/page (run `npm run build:dashboard` after editing them)', () => {
    const files = pageFiles() as Record<string, string>;
    expect(Object.keys(files)).toContain('index.html');
    for (const [name, text] of Object.entries(files)) expect(dashboardFile(name)?.body, name).toBe(text);
    expect(dashboardFile('nope.js')).toBeUndefined();
  });

  it('writes every value into the page as text: no innerHTML, no HTML strings, no eval', () => {
    for (const [name, text] of Object.entries(pageFiles() as Record<string, string>)) {
      if (!name.endsWith('.js')) continue;
      expect(text, name).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/,
      );
    }
  });
});
