import { describe, expect, it } from 'vitest';
import { UnrecoverableTaskError } from '../../../lib/tasks/errors.js';
import {
  checkDestination,
  DestinationRefusedError,
  HttpDeliveryError,
  type ResolveHost,
} from '../../../lib/tasks/http/index.js';

// A fake resolver: these tests need no DNS.
const zone: Record<string, string[]> = {
  'api.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'evil.test': ['127.0.0.1'],
  'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
  'weird.example.com': ['not-an-ip'],
};
const resolve: ResolveHost = async (hostname) => {
  const addresses = zone[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses;
};

describe('checkDestination', () => {
  it('returns every checked address of a public host', async () => {
    const checked = await checkDestination('https://api.example.com/hook?token=s3cret', [], { resolve });
    expect(checked.url.href).toBe('https://api.example.com/hook?token=s3cret');
    expect(checked.addresses).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
  });

  it('does not resolve IP literals', async () => {
    const checked = await checkDestination('http://[2606:4700:4700::1111]/', [], {
      resolve: () => Promise.reject(new Error('should not resolve')),
    });
    expect(checked.addresses).toEqual([{ address: '2606:4700:4700::1111', family: 6 }]);
  });

  it('refuses a host that resolves to a private address, as unrecoverable, without the query string', async () => {
    const refused = checkDestination('http://evil.test/hook?token=s3cret', [], { resolve });
    await expect(refused).rejects.toBeInstanceOf(DestinationRefusedError);
    await expect(refused).rejects.toBeInstanceOf(UnrecoverableTaskError);
    await expect(refused).rejects.toThrow(/evil\.test resolves to 127\.0\.0\.1/);
    await expect(refused).rejects.not.toThrow(/s3cret/);
  });

  it('refuses when ANY resolved address is private, IPv4-mapped IPv6 included', async () => {
    await expect(checkDestination('https://mixed.example.com/', [], { resolve })).rejects.toThrow(
      /10\.0\.0\.7/,
    );
    await expect(checkDestination('https://mapped.example.com/', [], { resolve })).rejects.toThrow(
      DestinationRefusedError,
    );
  });

  it('allows a private resolution only when the host is listed by name, not through a wildcard', async () => {
    await expect(checkDestination('http://evil.test/', ['*.test'], { resolve })).rejects.toThrow(
      DestinationRefusedError,
    );
    await expect(checkDestination('http://evil.test/', ['127.0.0.1'], { resolve })).rejects.toThrow(
      /allow-list/,
    );
    const checked = await checkDestination('http://evil.test:8080/', ['evil.test'], { resolve });
    expect(checked.addresses).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('refuses literals and names it knows are private before resolving', async () => {
    const noDns: ResolveHost = () => Promise.reject(new Error('should not resolve'));
    for (const url of [
      'http://2130706433/',
      'http://localhost/',
      'http://metadata.google.internal/',
      'ftp://x.y/',
    ]) {
      await expect(checkDestination(url, [], { resolve: noDns })).rejects.toThrow(DestinationRefusedError);
    }
  });

  it('treats DNS failures and empty answers as retryable', async () => {
    const missing = checkDestination('https://nowhere.example.com/', [], { resolve });
    await expect(missing).rejects.toBeInstanceOf(HttpDeliveryError);
    await expect(missing).rejects.not.toBeInstanceOf(UnrecoverableTaskError);
    await expect(checkDestination('https://x.example.com/', [], { resolve: async () => [] })).rejects.toThrow(
      HttpDeliveryError,
    );
  });

  it('refuses a resolver answer that is not an address', async () => {
    await expect(checkDestination('https://weird.example.com/', [], { resolve })).rejects.toThrow(
      DestinationRefusedError,
    );
  });

  it('stops waiting for DNS when the signal fires', async () => {
    const hanging: ResolveHost = () => new Promise(() => {});
    const started = Date.now();
    await expect(
      checkDestination('https://api.example.com/', [], { resolve: hanging, signal: AbortSignal.timeout(50) }),
    ).rejects.toThrow(HttpDeliveryError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
