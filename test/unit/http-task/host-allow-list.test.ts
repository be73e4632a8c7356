import { describe, expect, it } from 'vitest';
import { HostAllowList } from '../../../lib/tasks/http/index.js';

function match(entries: string[], url: string) {
  return HostAllowList.parse(entries).match(new URL(url));
}

describe('HostAllowList', () => {
  it('an empty list allows every host, explicitly none', () => {
    expect(match([], 'https://api.example.com/x')).toEqual({ allowed: true, explicit: false });
    expect(HostAllowList.parse([' ', '']).isEmpty).toBe(true);
  });

  it('matches exact hosts, ignoring case and a trailing dot', () => {
    const entries = ['API.example.com', 'other.example.org.'];
    expect(match(entries, 'https://api.example.com/hook')).toEqual({ allowed: true, explicit: true });
    expect(match(entries, 'https://api.example.com./hook')).toEqual({ allowed: true, explicit: true });
    expect(match(entries, 'http://other.example.org:8080/')).toEqual({ allowed: true, explicit: true });
    expect(match(entries, 'https://example.com/')).toEqual({ allowed: false, explicit: false });
    expect(match(entries, 'https://api.example.com.evil.net/')).toEqual({ allowed: false, explicit: false });
    expect(match(entries, 'https://evilapi.example.com/')).toEqual({ allowed: false, explicit: false });
  });

  it('matches *.domain on subdomains at any depth, not the domain itself, and never explicitly', () => {
    const entries = ['*.hooks.example.com'];
    expect(match(entries, 'https://a.hooks.example.com/')).toEqual({ allowed: true, explicit: false });
    expect(match(entries, 'https://a.b.hooks.example.com/')).toEqual({ allowed: true, explicit: false });
    expect(match(entries, 'https://hooks.example.com/').allowed).toBe(false);
    expect(match(entries, 'https://xhooks.example.com/').allowed).toBe(false);
  });

  it('matches a port when one is given, counting default ports', () => {
    const entries = ['api.example.com:8443', 'plain.example.com:80'];
    expect(match(entries, 'https://api.example.com:8443/').allowed).toBe(true);
    expect(match(entries, 'https://api.example.com/').allowed).toBe(false);
    expect(match(entries, 'http://plain.example.com/').allowed).toBe(true);
    expect(match(entries, 'https://plain.example.com/').allowed).toBe(false);
  });

  it('matches IP literals in their canonical forms, IPv6 with or without brackets', () => {
    expect(match(['127.0.0.1'], 'http://127.0.0.1:3000/').explicit).toBe(true);
    expect(match(['127.0.0.1'], 'http://2130706433/').explicit).toBe(true);
    expect(match(['0x7f.1:3000'], 'http://127.0.0.1:3000/').explicit).toBe(true);
    expect(match(['::1'], 'http://[::1]:3000/').explicit).toBe(true);
    expect(match(['[::1]:3000'], 'http://[0:0::1]:3000/').explicit).toBe(true);
    expect(match(['[::1]:3000'], 'http://[::1]:3001/').allowed).toBe(false);
    expect(match(['::ffff:127.0.0.1'], 'http://[::ffff:7f00:1]/').explicit).toBe(true);
  });

  it('matches internationalized names through their punycode form', () => {
    expect(match(['bücher.example'], 'https://xn--bcher-kva.example/').explicit).toBe(true);
  });

  it.each([
    'https://api.example.com',
    'api.example.com/path',
    'user@api.example.com',
    '*',
    '*.[::1]',
    'a.*.example.com',
    'api.example.com:0',
    'api.example.com:70000',
    'api.example.com:http',
    '[::1',
  ])('refuses the entry %j, naming the variable', (entry) => {
    expect(() => HostAllowList.parse([entry])).toThrow(/TANDEM_HTTP_ALLOWED_HOSTS/);
  });
});
