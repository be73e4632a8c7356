import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../../lib/tasks/http/index.js';

const privateAddresses = [
  // IPv4 ranges
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '127.0.0.1',
  '127.255.255.254',
  '169.254.0.1',
  '169.254.169.254', // cloud metadata
  '100.64.0.1', // shared address space
  '100.127.255.255',
  '100.100.100.200', // a cloud metadata address inside shared space
  '0.0.0.0',
  '0.1.2.3',
  '224.0.0.1', // multicast
  '239.255.255.250',
  '240.0.0.1', // reserved
  '255.255.255.255',
  '192.0.2.10', // documentation
  '198.18.0.1', // benchmarking
  // IPv4 spellings resolvers accept
  '2130706433', // 127.0.0.1
  '0x7f000001',
  '0x7f.1',
  '0177.0.0.1',
  '127.1',
  '10.1',
  '0',
  '127.0.0.1.',
  // IPv6
  '::1',
  '[::1]',
  '::',
  '0:0:0:0:0:0:0:1',
  'fc00::1',
  'fd12:3456:789a::1',
  'fd00:ec2::254', // cloud metadata
  'fe80::1',
  'fe80::1%eth0',
  'febf:ffff::1',
  'ff02::1', // multicast
  '::ffff:127.0.0.1', // IPv4-mapped
  '[::ffff:7f00:1]',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '::127.0.0.1', // IPv4-compatible (deprecated)
  '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
  '64:ff9b::10.0.0.1',
  '2002:7f00:1::1', // 6to4 of 127.0.0.1
  '2002:a9fe:a9fe::', // 6to4 of 169.254.169.254
  '2001:db8::1', // documentation
  '2001::1', // Teredo
  '100::1', // discard-only
];

const publicAddresses = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.215.14',
  '172.15.255.255',
  '172.32.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '192.169.0.1',
  '169.253.255.255',
  '11.0.0.1',
  '134744072', // 8.8.8.8
  '2001:4860:4860::8888',
  '2606:4700:4700::1111',
  '[2a00:1450:4001:82b::200e]',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

const notAddresses = [
  'example.com',
  'localhost',
  '',
  '1.2.3.4.5',
  '256.1.1.1',
  '08.0.0.1',
  '::g',
  'fe80::1::2',
];

describe('isPrivateAddress', () => {
  it.each(privateAddresses)('%s is private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each(publicAddresses)('%s is public', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it.each(notAddresses)('%j is not an address, so not a private one (names are resolved first)', (text) => {
    expect(isPrivateAddress(text)).toBe(false);
  });
});
