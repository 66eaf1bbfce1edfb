import { describe, expect, it } from 'vitest';
import { createCidrMatcher } from '../net/cidr';
import { forwardedForEntries, parseForwarded, parseForwardedNode, rightmostUntrusted, splitXForwardedFor } from './forwarded';

describe('splitXForwardedFor', () => {
  it('concatenates several lines in order and validates each entry', () => {
    expect(splitXForwardedFor(['1.2.3.4, 203.0.113.10', ' 2001:DB8::1 ,[2001:db8::2]:4711', 'unknown, 192.0.2.1:80,,'])).toEqual([
      { raw: '1.2.3.4', address: '1.2.3.4', port: null },
      { raw: '203.0.113.10', address: '203.0.113.10', port: null },
      { raw: '2001:DB8::1', address: '2001:db8::1', port: null },
      { raw: '[2001:db8::2]:4711', address: '2001:db8::2', port: 4711 },
      { raw: 'unknown', address: null, port: null },
      { raw: '192.0.2.1:80', address: '192.0.2.1', port: 80 },
    ]);
  });

  it('returns nothing for no lines', () => {
    expect(splitXForwardedFor([])).toEqual([]);
  });
});

describe('parseForwardedNode (RFC 7239 §6)', () => {
  it.each([
    ['192.0.2.43', { kind: 'ip', address: '192.0.2.43', port: null }],
    ['192.0.2.43:47011', { kind: 'ip', address: '192.0.2.43', port: 47011 }],
    ['[2001:db8:cafe::17]', { kind: 'ip', address: '2001:db8:cafe::17', port: null }],
    ['[2001:db8:cafe::17]:4711', { kind: 'ip', address: '2001:db8:cafe::17', port: 4711 }],
    ['unknown', { kind: 'unknown', address: null }],
    ['UNKNOWN:_port', { kind: 'unknown', obfuscatedPort: '_port' }],
    ['_hidden', { kind: 'obfuscated', address: null }],
    ['_SEVKISEK', { kind: 'obfuscated' }],
    ['2001:db8::1', { kind: 'invalid' }], // IPv6 must be bracketed
    ['[192.0.2.1]', { kind: 'invalid' }], // IPv4 must not be
    ['192.0.2.43:99999', { kind: 'invalid' }],
    ['[2001:db8::1', { kind: 'invalid' }],
    ['example.com', { kind: 'invalid' }],
  ])('%s', (raw, expected) => {
    expect(parseForwardedNode(raw)).toMatchObject({ raw, ...expected });
  });
});

describe('parseForwarded', () => {
  it('reads the RFC 7239 examples: quoted IPv6, ports, case-insensitive names, several elements and lines', () => {
    const elements = parseForwarded([
      'for="_gazonk"',
      'For="[2001:db8:cafe::17]:4711"',
      'for=192.0.2.60;proto=http;by=203.0.113.43',
      'for=192.0.2.43, for=198.51.100.17;host="shop.example.com";ext="a;b,c"',
    ]);
    expect(elements.map((e) => e.for?.kind)).toEqual(['obfuscated', 'ip', 'ip', 'ip', 'ip']);
    expect(elements[1]!.for).toMatchObject({ address: '2001:db8:cafe::17', port: 4711 });
    expect(elements[2]).toMatchObject({ proto: 'http', by: { kind: 'ip', address: '203.0.113.43' } });
    expect(elements[4]).toMatchObject({ host: 'shop.example.com', extensions: { ext: 'a;b,c' }, errors: [] });
  });

  it('keeps pairs that break the grammar as errors', () => {
    const [element] = parseForwarded(['for=192.0.2.1;junk;proto=a b;x="unterminated']);
    expect(element?.for?.address).toBe('192.0.2.1');
    expect(element?.errors).toEqual(['junk', 'proto=a b', 'x="unterminated']);
  });

  it('matches the echoserver/ealen sample value after HTML unescaping', () => {
    const elements = parseForwarded(['for=203.0.113.7;proto=https, for="[2001:db8::1]:4711"']);
    expect(forwardedForEntries(elements)).toEqual([
      { raw: '203.0.113.7', address: '203.0.113.7', port: null },
      { raw: '[2001:db8::1]:4711', address: '2001:db8::1', port: 4711 },
    ]);
  });
});

describe('rightmostUntrusted (DOMAIN §9)', () => {
  const entries = splitXForwardedFor(['1.2.3.4, 203.0.113.10, 10.244.1.20, 192.0.2.1']);
  it.each([
    [[], '192.0.2.1'],
    [['192.0.2.1'], '10.244.1.20'],
    [['192.0.2.0/24', '10.244.0.0/16'], '203.0.113.10'], // the attacker's 1.2.3.4 on the left is never chosen
    [['0.0.0.0/0'], null], // every hop trusted: nothing untrusted to pick
  ])('trusting %j picks %s', (trusted, expected) => {
    expect(rightmostUntrusted(entries, trusted)?.address ?? null).toBe(expected);
  });

  it('stops at an entry that is not an address', () => {
    const withGarbage = splitXForwardedFor(['1.2.3.4, garbage, 192.0.2.1']);
    expect(rightmostUntrusted(withGarbage, createCidrMatcher(['192.0.2.0/24']))?.raw).toBe('garbage');
  });

  it('works on Forwarded elements too', () => {
    const elements = parseForwarded(['for=198.51.100.17, for="[2001:db8::5]", for=_lb']);
    expect(rightmostUntrusted(forwardedForEntries(elements), ['2001:db8::/32'])?.raw).toBe('_lb');
    expect(rightmostUntrusted(forwardedForEntries(elements.slice(0, 2)), ['2001:db8::/32'])?.address).toBe('198.51.100.17');
  });
});
