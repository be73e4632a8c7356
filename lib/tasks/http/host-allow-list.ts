import { isIPv6 } from 'node:net';

interface AllowedHost {
  /** Normalized like `URL.hostname`: lowercase, punycode, IPv4 dotted, IPv6 in brackets, no trailing dot. */
  host: string;
  /** Present when the entry named a port; it then matches that port only. */
  port?: number;
  /** `*.example.com`: any subdomain of example.com, at any depth, but not example.com itself. */
  wildcard: boolean;
}

/** How a destination stands against the allow-list. */
export interface HostMatch {
  /** The host may be called at all: it matches an entry, or the list is empty. */
  allowed: boolean;
  /** The host is named exactly (not through a wildcard): only then may it be private or loopback. */
  explicit: boolean;
}

/**
 * The parsed `TANDEM_HTTP_ALLOWED_HOSTS`: host names, IP literals, `*.example.com` wildcards, each optionally
 * with `:port` (`[::1]:8080` for IPv6). An empty list allows every public host.
 *
 * @example
 * const allowList = HostAllowList.parse(['api.example.com', '*.hooks.example.com', '127.0.0.1:8080']);
 * allowList.match(new URL('https://a.hooks.example.com/x')); // { allowed: true, explicit: false }
 */
export class HostAllowList {
  private constructor(private readonly entries: readonly AllowedHost[]) {}

  /** @throws Error naming the first entry that is not a host, `*.domain` or `host:port` */
  static parse(entries: readonly string[]): HostAllowList {
    return new HostAllowList(
      entries
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map(parseEntry),
    );
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  match(url: URL): HostMatch {
    const host = normalizeHost(url.hostname);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const hits = this.entries.filter(
      (entry) =>
        (entry.port === undefined || entry.port === port) &&
        (entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host),
    );
    return {
      allowed: this.isEmpty || hits.length > 0,
      explicit: hits.some((entry) => !entry.wildcard),
    };
  }
}

function parseEntry(entry: string): AllowedHost {
  const split = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ??
    (isIPv6(entry) ? [entry, entry] : undefined) ??
    /^([^:]+)(?::(\d+))?$/.exec(entry) ?? [entry];
  const [, rawHost, rawPort] = split;
  const wildcard = rawHost?.startsWith('*.') ?? false;
  const bare = wildcard ? rawHost?.slice(2) : rawHost;
  const host = bare === undefined ? undefined : hostOf(isIPv6(bare) ? `[${bare}]` : bare);
  const port = rawPort === undefined ? undefined : Number(rawPort);
  const badPort = port !== undefined && !(port >= 1 && port <= 65_535);
  if (host === undefined || badPort || (wildcard && host.startsWith('['))) {
    throw new Error(
      `TANDEM_HTTP_ALLOWED_HOSTS: ${JSON.stringify(entry)} is not a host, *.domain or host:port (e.g. api.example.com, *.example.com, [::1]:8080)`,
    );
  }
  return { host, wildcard, ...(port !== undefined && { port }) };
}

/** The host exactly as the URL parser will spell it in a destination, or undefined when it is not a bare host. */
function hostOf(text: string): string | undefined {
  if (text.includes('*') || text.includes('@')) return undefined;
  try {
    const url = new URL(`http://${text}`);
    if (url.port !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return undefined;
    return normalizeHost(url.hostname) || undefined;
  } catch {
    return undefined;
  }
}

function normalizeHost(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}
