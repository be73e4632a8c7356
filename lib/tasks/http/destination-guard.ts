import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { errorMessage } from '../../observability/error-message.js';
import { DestinationRefusedError, HttpDeliveryError } from './errors.js';
import { HostAllowList } from './host-allow-list.js';
import { isPrivateAddress } from './private-address.js';

/** Resolves a host name to every address it has (IPv4 and IPv6); injectable so tests need no DNS. */
export type ResolveHost = (hostname: string) => Promise<readonly string[]>;

export interface CheckDestinationOptions {
  resolve?: ResolveHost;
  /** Stops waiting for DNS. */
  signal?: AbortSignal;
}

/** A destination that passed the guard, with the addresses it was checked at: connect to these and no other. */
export interface CheckedDestination {
  url: URL;
  addresses: readonly { address: string; family: 4 | 6 }[];
}

// Names that always point inside the machine or the cloud account, whatever DNS says.
const PRIVATE_NAMES = new Set(['localhost', 'metadata', 'metadata.google.internal', 'instance-data']);

export const resolveWithDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Why `url` must not be called, judged without DNS, or undefined when it may be: only http(s), no
 * credentials in the URL, the host in the allow-list (when there is one), and no private IP literal or
 * `localhost` unless listed by exact name. Enqueue uses this alone; delivery adds DNS in {@link checkDestination}.
 */
export function destinationProblem(url: URL, allowList: HostAllowList): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs can be called';
  if (url.username !== '' || url.password !== '')
    return 'credentials in the URL are not allowed; send a header';
  const match = allowList.match(url);
  if (!match.allowed) return `host ${url.host} is not in the allow-list (TANDEM_HTTP_ALLOWED_HOSTS)`;
  if (!match.explicit && isPrivateHost(url.hostname)) {
    return `${url.hostname} is a private, loopback or link-local destination; list it by name in the allow-list to call it`;
  }
  return undefined;
}

/**
 * The delivery-time guard: {@link destinationProblem}, then every address the host resolves to must be
 * public unless the host is listed by exact name. Connect only to the returned addresses, so that a second
 * DNS answer (rebinding) cannot redirect the request.
 *
 * @throws DestinationRefusedError (unrecoverable) when refused; HttpDeliveryError (retried) when DNS fails
 * @example
 * const { addresses } = await checkDestination('https://api.example.com/hook', ['*.example.com']);
 */
export async function checkDestination(
  url: string | URL,
  allowedHosts: readonly string[] | HostAllowList,
  { resolve = resolveWithDns, signal }: CheckDestinationOptions = {},
): Promise<CheckedDestination> {
  const target = new URL(url);
  const shown = withoutQuery(target);
  const allowList = allowedHosts instanceof HostAllowList ? allowedHosts : HostAllowList.parse(allowedHosts);
  const problem = destinationProblem(target, allowList);
  if (problem !== undefined) throw new DestinationRefusedError(shown, problem);

  const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly string[];
  try {
    addresses = isIP(literal) !== 0 ? [literal] : await abortable(resolve(literal), signal);
  } catch (error) {
    throw new HttpDeliveryError(
      `could not resolve ${target.hostname}: ${errorMessage(error)}`,
      shown,
      undefined,
      {
        cause: error,
      },
    );
  }
  if (addresses.length === 0) {
    throw new HttpDeliveryError(`${target.hostname} resolved to no address`, shown);
  }
  const explicit = allowList.match(target).explicit;
  const checked = addresses.map((address) => {
    const family = isIP(address);
    if (family !== 4 && family !== 6) {
      throw new DestinationRefusedError(shown, `${target.hostname} resolved to ${JSON.stringify(address)}`);
    }
    if (!explicit && isPrivateAddress(address)) {
      throw new DestinationRefusedError(
        shown,
        `${target.hostname} resolves to ${address}, a private, loopback or link-local address; list the host by name in the allow-list to call it`,
      );
    }
    return { address, family } as const;
  });
  return { url: target, addresses: checked };
}

/** The URL as it may appear in errors and logs: query strings often carry tokens. */
export function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function isPrivateHost(hostname: string): boolean {
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  return isPrivateAddress(name) || PRIVATE_NAMES.has(name) || name.endsWith('.localhost');
}

async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
