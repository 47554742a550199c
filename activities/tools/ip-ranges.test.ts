import { describe, expect, it } from 'vitest';
import { addressKey, classifyAddress } from './ip-ranges.js';

describe('classifyAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.0/8'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['172.16.0.1', '172.16.0.0/12'],
    ['172.31.255.254', '172.16.0.0/12'],
    ['192.168.1.1', '192.168.0.0/16'],
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.0.9', '127.0.0.0/8'],
    ['169.254.169.254', '169.254.0.0/16'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['100.127.255.255', '100.64.0.0/10'],
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['224.0.0.251', '224.0.0.0/4'],
    ['255.255.255.255', '240.0.0.0/4'],
    ['::', '::/128'],
    ['::1', '::1/128'],
    ['0:0:0:0:0:0:0:1', '::1/128'],
    ['fc00::1', 'fc00::/7'],
    ['fd12:3456:789a::1', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'],
    ['fe80::1%eth0', 'fe80::/10'],
    ['febf::1', 'fe80::/10'],
    ['ff02::1', 'ff00::/8'],
    ['[::1]', '::1/128'],
  ])('refuses %s (%s)', (address, range) => {
    expect(classifyAddress(address)?.range).toBe(range);
  });

  it.each([
    ['::ffff:10.0.0.1', '10.0.0.0/8'],
    ['::ffff:a00:1', '10.0.0.0/8'],
    ['::ffff:127.0.0.1', '127.0.0.0/8'],
    ['::ffff:7f00:1', '127.0.0.0/8'],
    ['0:0:0:0:0:ffff:169.254.169.254', '169.254.0.0/16'],
    ['::ffff:192.168.0.1', '192.168.0.0/16'],
    ['::127.0.0.1', '127.0.0.0/8'],
    ['64:ff9b::10.1.2.3', '10.0.0.0/8'],
    ['2002:c0a8:101::1', '192.168.0.0/16'],
  ])('refuses the embedded-IPv4 form %s (%s)', (address, inner) => {
    const blocked = classifyAddress(address);
    expect(blocked?.range).toContain(inner);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });

  it('names the reason, including for mapped forms', () => {
    expect(classifyAddress('169.254.169.254')?.reason).toMatch(/link-local/);
    expect(classifyAddress('::ffff:10.0.0.1')?.reason).toBe(
      'IPv4-mapped form of a private network address',
    );
  });

  it('throws on a host name: only resolved addresses are classified', () => {
    expect(() => classifyAddress('localhost')).toThrow(/not an IP address/);
  });
});

describe('addressKey', () => {
  it('is equal for every spelling of one address', () => {
    expect(addressKey('::1')).toBe(addressKey('0:0:0:0:0:0:0:1'));
    expect(addressKey('[::ffff:7f00:1]')).toBe(addressKey('::ffff:127.0.0.1'));
    expect(addressKey('127.0.0.1')).not.toBe(addressKey('::ffff:127.0.0.1'));
    expect(addressKey('example.com')).toBeUndefined();
  });
});
