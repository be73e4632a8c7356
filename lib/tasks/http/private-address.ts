import { isIPv6 } from 'node:net';

// Ranges no webhook may reach unless its host is listed by name: anything that is not plain public unicast.
// Cloud metadata endpoints fall inside them: 169.254.169.254 (link-local), fd00:ec2::254 (unique local),
// 100.100.100.200 (shared address space).
const BLOCKED_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network", including the unspecified address
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including the broadcast address
];

// Inside 2000::/3, the only IPv6 block handed out as global unicast, these are still not public.
const BLOCKED_GLOBAL_IPV6: readonly (readonly [string, number])[] = [
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing
];

// Parsed on first use, not at import: the first isIPv6 call costs about 3 ms of every function's cold start.
let ipv4Ranges: readonly (readonly [number, number])[] | undefined;
let ipv6Ranges: readonly (readonly [bigint, number])[] | undefined;

/**
 * True when `ip` is an address a webhook must not reach by default: private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), loopback, link-local, cloud metadata, unspecified, shared (100.64/10), multicast, documentation
 * or reserved. IPv4 embedded in IPv6 (`::ffff:127.0.0.1`, NAT64, 6to4) is judged by its IPv4 part, and the
 * numeric IPv4 spellings that resolvers accept (`2130706433`, `0x7f.1`, `0177.0.0.1`) are understood.
 * Anything that is not an IP address (a host name) gives false: resolve names first.
 *
 * @example
 * isPrivateAddress('[::ffff:127.0.0.1]'); // true
 * isPrivateAddress('93.184.215.14'); // false
 */
export function isPrivateAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return isPrivateIpv4(v4);
  const v6 = parseIpv6(text);
  return v6 !== undefined && isPrivateIpv6(v6);
}

function isPrivateIpv4(ip: number): boolean {
  ipv4Ranges ??= BLOCKED_IPV4.map(([base, bits]) => [parseIpv4(base) ?? 0, bits] as const);
  return ipv4Ranges.some(([base, bits]) => (ip ^ base) >>> (32 - bits) === 0);
}

function isPrivateIpv6(ip: bigint): boolean {
  const embedded = Number(ip & 0xffff_ffffn);
  if (ip >> 32n === 0xffffn) return isPrivateIpv4(embedded); // ::ffff:a.b.c.d, IPv4-mapped
  if (ip >> 32n === 0x64_ff9b_0000_0000_0000_0000n) return isPrivateIpv4(embedded); // 64:ff9b::/96, NAT64
  if (ip >> 125n !== 1n) return true; // outside 2000::/3: loopback, unspecified, fc00::/7, fe80::/10, ff00::/8, ...
  if (ip >> 112n === 0x2002n) return isPrivateIpv4(Number((ip >> 80n) & 0xffff_ffffn)); // 6to4
  ipv6Ranges ??= BLOCKED_GLOBAL_IPV6.map(([base, bits]) => [parseIpv6(base) ?? 0n, bits] as const);
  return ipv6Ranges.some(([base, bits]) => ip >> BigInt(128 - bits) === base >> BigInt(128 - bits));
}

/** IPv4 in any spelling the URL standard and inet_aton accept: 1 to 4 parts, decimal, octal (0…) or hex (0x…). */
function parseIpv4(text: string): number | undefined {
  const parts = (text.endsWith('.') ? text.slice(0, -1) : text).split('.');
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Part(part);
    if (value === undefined) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop() ?? 0;
  if (numbers.some((value) => value > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((sum, value, index) => sum + value * 256 ** (3 - index), last);
}

function parseIpv4Part(part: string): number | undefined {
  if (part.length > 12) return undefined;
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return Number.parseInt(part, 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return undefined;
}

/** IPv6 as a 128-bit number; the zone (`%eth0`) is dropped. */
function parseIpv6(text: string): bigint | undefined {
  const address = text.split('%')[0] ?? '';
  if (!isIPv6(address)) return undefined;
  const groups = (half: string): string[] => {
    if (half === '') return [];
    return half.split(':').flatMap((group) => {
      if (!group.includes('.')) return [group];
      const v4 = parseIpv4(group) ?? 0;
      return [(v4 >>> 16).toString(16), (v4 & 0xffff).toString(16)];
    });
  };
  const [head = '', tail] = address.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}
