import { Hono } from 'hono';
import type { ApiEnv } from './api-env.js';
import { NotFoundError } from './errors.js';

/**
 * What every dashboard file is sent with: a Content-Security-Policy that allows only the page's own
 * script and style files (no inline script, no other origin), and no framing, sniffing or referrer.
 */
export const DASHBOARD_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

/**
 * `GET /dashboard` and its files (`/dashboard/<file>`): the operator's page. It holds no data and is the
 * one route served without a token: the page asks for one and calls the other routes with it. The files
 * are loaded on the first request to this route only, so the API's cold start does not carry them.
 */
export function dashboardRoutes(): Hono<ApiEnv> {
  const serve = async (name: string) => {
    const { dashboardFile } = await import('../dashboard/dashboard-file.js');
    const file = dashboardFile(name);
    if (!file) throw new NotFoundError('no such dashboard file');
    return new Response(file.body, {
      status: 200,
      headers: { 'content-type': file.contentType, ...DASHBOARD_HEADERS },
    });
  };
  return new Hono<ApiEnv>()
    .get('/', () => serve('index.html'))
    .get('/:file', (c) => serve(c.req.param('file')));
}
