import { gunzipSync } from 'node:zlib';
import { DASHBOARD_BUNDLE } from './dashboard-bundle.js';

/** A file of the dashboard, ready to send. */
export interface DashboardFile {
  body: string;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

let files: Map<string, string> | undefined;

/**
 * The dashboard file called `name` (`index.html`, `app.js`, …), unpacked on first use; undefined for any
 * other name. Only the route `/dashboard` imports this module, and only when it is requested.
 *
 * @example
 * dashboardFile('app.js'); // { body: '…', contentType: 'text/javascript; charset=utf-8' }
 */
export function dashboardFile(name: string): DashboardFile | undefined {
  files ??= new Map(
    Object.entries(
      JSON.parse(gunzipSync(Buffer.from(DASHBOARD_BUNDLE, 'base64')).toString('utf8')) as Record<
        string,
        string
      >,
    ),
  );
  const body = files.get(name);
  const contentType = CONTENT_TYPES[name.split('.').pop() ?? ''];
  return body === undefined || contentType === undefined ? undefined : { body, contentType };
}
