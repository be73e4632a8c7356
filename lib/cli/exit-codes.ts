import {
  TandemApiError,
  TandemAuthError,
  TandemNetworkError,
  TandemNotFoundError,
  TandemUnavailableError,
} from '../client/index.js';

/** What `tandem` exits with, so that scripts can branch on it. */
export const ExitCodes = {
  ok: 0,
  /** The API refused the request (bad input, a conflict) or failed. */
  failed: 1,
  /** The command line is wrong: unknown command or flag, missing URL or token, bad JSON. */
  usage: 2,
  /** The API refused the token. */
  unauthorized: 3,
  /** No answer from the API (refused, reset, DNS, timeout). */
  unreachable: 4,
  /** The API answered that no backend can do it now (HTTP 503); `status`: no path accepts tasks. */
  unavailable: 5,
  /** No such task (`show`), or not a dead task (`replay`). */
  notFound: 6,
} as const;
export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/** A command line `tandem` cannot run; its message says what to change. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** The exit code and the one plain line to print for anything a command threw. */
export function describeFailure(error: unknown, url: string): { code: ExitCode; message: string } {
  if (error instanceof CliUsageError) return { code: ExitCodes.usage, message: error.message };
  if (error instanceof TandemAuthError) {
    return {
      code: ExitCodes.unauthorized,
      message: `the API at ${url} refused the token (check TANDEM_TOKEN or --token)`,
    };
  }
  if (error instanceof TandemNetworkError) {
    return {
      code: ExitCodes.unreachable,
      message: `cannot reach the Tandem API at ${url}: ${error.message}`,
    };
  }
  if (error instanceof TandemUnavailableError) {
    const after = error.retryAfterSeconds === undefined ? '' : `; try again in ${error.retryAfterSeconds} s`;
    return { code: ExitCodes.unavailable, message: `${error.message}${after}` };
  }
  if (error instanceof TandemNotFoundError) return { code: ExitCodes.notFound, message: error.message };
  if (error instanceof TandemApiError) {
    const issues = (error.issues ?? []).map((issue) => `\n  ${issueText(issue)}`).join('');
    return { code: ExitCodes.failed, message: `${error.message} (HTTP ${error.status})${issues}` };
  }
  if (error instanceof TypeError && /url|token/.test(error.message))
    return { code: ExitCodes.usage, message: error.message };
  return { code: ExitCodes.failed, message: error instanceof Error ? error.message : String(error) };
}

function issueText(issue: unknown): string {
  if (typeof issue !== 'object' || issue === null) return String(issue);
  const { path, message } = issue as { path?: unknown[]; message?: unknown };
  return `${Array.isArray(path) && path.length > 0 ? `${path.join('.')}: ` : ''}${String(message)}`;
}
