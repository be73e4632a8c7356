// The page's one way to the API: the token from sessionStorage as a bearer header (never in a URL), JSON in
// and out, and a 401 anywhere sends the operator back to the token prompt.

const TOKEN_KEY = 'tandem.token';
// The API's routes sit beside /dashboard, so relative paths work under any base path.
const BASE = new URL('.', window.location.href);

export const token = {
  get: () => window.sessionStorage.getItem(TOKEN_KEY),
  set: (value) => window.sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => window.sessionStorage.removeItem(TOKEN_KEY),
};

/** The API refused the token: the prompt is shown again (by the listener of `tandem:unauthorized`). */
export class AuthError extends Error {}

/** Any other answer the page cannot use; `message` is the API's own. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Calls the API. Resolves with the JSON body of a 2xx (and of a status in `alsoOk`); throws otherwise.
 * @param {string} path e.g. `tasks` or `dead/replay`
 * @param {{ method?: string, body?: unknown, query?: Record<string, unknown>, alsoOk?: number[] }} [options]
 */
export async function api(path, { method = 'GET', body, query = {}, alsoOk = [] } = {}) {
  const url = new URL(path, BASE);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const headers = { accept: 'application/json', authorization: `Bearer ${token.get() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    cache: 'no-store',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const data = await response.json().catch(() => undefined);
  if (response.status === 401) {
    token.clear();
    window.dispatchEvent(new Event('tandem:unauthorized'));
    throw new AuthError('the API refused the token');
  }
  if (response.ok || alsoOk.includes(response.status)) return data;
  throw new ApiError(response.status, data?.error?.message ?? `the API answered HTTP ${response.status}`);
}

/**
 * Runs `work` now and then every `ms` until the returned function is called; a failure is handed to
 * `onError` (an auth failure is not: the prompt takes over).
 */
export function every(ms, work, onError) {
  let timer;
  let stopped = false;
  const run = async () => {
    try {
      await work();
    } catch (error) {
      if (stopped || error instanceof AuthError) return;
      onError?.(error);
    }
    if (!stopped) timer = window.setTimeout(run, ms);
  };
  void run();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}
