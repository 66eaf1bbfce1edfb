import { describe, expect, it } from 'vitest';
import { cidrContains, createCidrMatcher, firstHostAddress, formatCidr, parseCidr } from './cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3/8', '10.0.0.0/8'], // host bits cleared like nginx set_real_ip_from
    ['192.0.2.1', '192.0.2.1/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::1', '::1/128'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
  ])('%s → %s', (text, canonical) => {
    expect(formatCidr(parseCidr(text)!)).toBe(canonical);
  });

  it.each(['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/08', '10.0.0.0/', 'a/8', '10.0.0.0/8/8', ''])(
    'rejects %s',
    (text) => {
      expect(parseCidr(text)).toBeNull();
    },
  );
});

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.244.1.20', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.0.2.0/25', '192.0.2.127', true],
    ['192.0.2.0/25', '192.0.2.128', false],
    ['0.0.0.0/0', '203.0.113.10', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['10.0.0.0/8', '::ffff:10.1.1.1', true], // IPv4 peers on dual-stack sockets
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::/0', '::1', true],
    ['fc00::/7', 'fd12::1', true],
    ['10.0.0.0/8', 'not-an-ip', false],
  ])('%s ∋ %s = %s', (cidr, address, inside) => {
    expect(cidrContains(cidr, address)).toBe(inside);
  });
});

describe('createCidrMatcher', () => {
  it('matches any listed network and reports the invalid entries', () => {
    const matcher = createCidrMatcher(['192.0.2.1', '10.244.0.0/16', 'fc00::/7', 'bogus/8']);
    expect(matcher.invalid).toEqual(['bogus/8']);
    expect(['192.0.2.1', '10.244.3.4', 'fd00::5'].map(matcher.matches)).toEqual([true, true, true]);
    expect(['192.0.2.2', '10.245.0.1', '2001:db8::1', ''].map(matcher.matches)).toEqual([false, false, false, false]);
  });
});

describe('firstHostAddress', () => {
  it.each([
    ['10.244.1.0/24', '10.244.1.1'],
    ['10.244.1.77/24', '10.244.1.1'],
    ['10.0.255.0/23', '10.0.254.1'],
    ['10.244.0.0/16', '10.244.0.1'],
    ['fd00:10:244:1::/64', 'fd00:10:244:1::1'],
    ['10.0.0.0/31', null],
    ['10.0.0.1/32', null],
    ['not a cidr', null],
  ])('%s → %s', (cidr, address) => {
    expect(firstHostAddress(cidr)).toBe(address);
  });
});
