import { describe, expect, it } from 'vitest';
import { formatIPv6, isIPv4, isIPv6, normalizeIp, parseAddressWithPort, parseIPv6, parsePort } from './ip';

describe('parseIPv4 / isIPv4', () => {
  it.each([
    ['192.0.2.1', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['256.0.0.1', false],
    ['01.2.3.4', false], // leading zeros are refused (PROXY v1, docs/domain.md#s8)
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['1.2.3.-4', false],
    [' 1.2.3.4', false],
    ['', false],
  ])('%s → %s', (text, valid) => {
    expect(isIPv4(text)).toBe(valid);
  });
});

describe('parseIPv6 / isIPv6', () => {
  it.each([
    ['::', true],
    ['::1', true],
    ['2001:db8::1', true],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', true],
    ['::ffff:192.0.2.1', true],
    ['64:ff9b::192.0.2.33', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7::', true],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1::2::3', false],
    ['12345::', false],
    ['::ffff:192.0.2.256', false],
    ['[2001:db8::1]', false],
    ['2001:db8::1%eth0', false],
    ['g::1', false],
  ])('%s → %s', (text, valid) => {
    expect(isIPv6(text)).toBe(valid);
  });
});

describe('formatIPv6 (RFC 5952)', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['2001:DB8::A', '2001:db8::a'],
  ])('%s → %s', (text, canonical) => {
    expect(formatIPv6(parseIPv6(text)!)).toBe(canonical);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'], // Node's dual-stack IPv4 peer
    ['[2001:DB8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['unknown', null],
    ['203.0.113.7:80', null],
  ])('%s → %s', (text, normal) => {
    expect(normalizeIp(text)).toBe(normal);
  });
});

describe('parsePort', () => {
  it.each([
    ['0', 0],
    ['80', 80],
    ['65535', 65535],
    ['65536', null],
    ['080', null],
    ['', null],
    ['-1', null],
  ])('%s → %s', (text, port) => {
    expect(parsePort(text)).toBe(port);
  });
});

describe('parseAddressWithPort', () => {
  it.each([
    ['192.0.2.1', { address: '192.0.2.1', port: null }],
    ['192.0.2.1:4711', { address: '192.0.2.1', port: 4711 }],
    ['2001:db8::1', { address: '2001:db8::1', port: null }],
    ['[2001:db8::1]', { address: '2001:db8::1', port: null }],
    ['[2001:db8::1]:4711', { address: '2001:db8::1', port: 4711 }],
    ['[::ffff:10.0.0.1]:80', { address: '10.0.0.1', port: 80 }],
    ['[2001:db8::1]4711', null],
    ['192.0.2.1:99999', null],
    ['example.com:80', null],
    ['garbage', null],
  ])('%s', (text, expected) => {
    expect(parseAddressWithPort(text)).toEqual(expected);
  });
});
