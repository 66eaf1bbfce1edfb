import { describe, expect, it } from 'vitest';
import { MAX_PROBE_PAGE_ORIGINS, cspFor, hostName, isAllowedHost, isPrivatePath, isProbePage, isSameOrigin, probePageConnect, refusalOf, securityHeadersFor } from './guard';

const headers = (h: Record<string, string>) => new Headers(h);
const ALLOWED = ['hopscope.example.com', 'hopscope.hopscope.svc'];

describe('Host allowlist (DNS rebinding)', () => {
  it.each([
    ['localhost:3000', true],
    ['LOCALHOST', true],
    ['app.localhost:3000', true],
    ['127.0.0.1:3000', true],
    ['192.0.2.10:80', true],
    ['[::1]:3000', true],
    ['hopscope.example.com', true],
    ['HOPSCOPE.example.com:443', true],
    ['hopscope.hopscope.svc:80', true],
    ['attacker.example.net', false],
    ['hopscope.example.com.attacker.example.net', false],
    ['localhost.attacker.example.net', false],
    ['', false],
  ])('%s → %s', (host, allowed) => {
    expect(isAllowedHost(host, ALLOWED)).toBe(allowed);
  });

  it('strips the port but keeps IPv6 brackets', () => {
    expect(hostName('[::1]:3000')).toBe('[::1]');
    expect(hostName('Example.COM:8080')).toBe('example.com');
  });

  it('answers a foreign Host with 421 host_not_allowed on pages and the API, never on health and metrics', () => {
    const foreign = headers({ host: 'rebind.attacker.example.net' });
    expect(refusalOf('GET', '/api/v1/cluster', foreign, ALLOWED)?.code).toBe('host_not_allowed');
    expect(refusalOf('GET', '/', foreign, ALLOWED)?.code).toBe('host_not_allowed');
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(refusalOf('GET', path, foreign, ALLOWED)).toBeNull();
  });
});

describe('actions are same-origin JSON requests', () => {
  const post = (h: Record<string, string>) => refusalOf('POST', '/api/v1/traces', headers({ host: 'localhost:3000', ...h }), ALLOWED);

  it('accepts the page itself and non-browser clients', () => {
    expect(post({ 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' })).toBeNull();
    expect(post({ origin: 'http://localhost:3000', 'content-type': 'application/json; charset=utf-8' })).toBeNull();
    expect(post({ 'content-type': 'application/json' })).toBeNull();
  });

  it.each([
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, 'cross_origin_refused'],
    ['a same-site subdomain', { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }, 'cross_origin_refused'],
    ['a foreign Origin without fetch metadata', { origin: 'https://attacker.example.net', 'content-type': 'application/json' }, 'cross_origin_refused'],
    ['an unparseable Origin', { origin: 'null', 'content-type': 'application/json' }, 'cross_origin_refused'],
    ['a no-cors text/plain POST', { 'content-type': 'text/plain' }, 'unsupported_media_type'],
    ['a form post', { 'content-type': 'application/x-www-form-urlencoded' }, 'unsupported_media_type'],
    ['no content type', {}, 'unsupported_media_type'],
  ])('refuses %s', (_label, h, code) => {
    expect(post(h)?.code).toBe(code);
  });

  it('lets DELETE through without a body type, but not cross-site', () => {
    expect(refusalOf('DELETE', '/api/v1/snapshots/x', headers({ host: 'localhost', 'sec-fetch-site': 'same-origin' }), [])).toBeNull();
    expect(refusalOf('DELETE', '/api/v1/snapshots/x', headers({ host: 'localhost', 'sec-fetch-site': 'cross-site' }), [])?.code).toBe('cross_origin_refused');
  });

  it('reads Origin against the Host the request came to', () => {
    expect(isSameOrigin(headers({ host: '127.0.0.1:3310', origin: 'http://127.0.0.1:3310' }))).toBe(true);
    expect(isSameOrigin(headers({ host: '127.0.0.1:3310', origin: 'http://127.0.0.1:3311' }))).toBe(false);
  });
});

describe('page policy', () => {
  it('allows only nonce-bearing scripts and forbids framing', () => {
    const csp = cspFor('abc');
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(cspFor('abc', true)).toContain("'unsafe-eval'");
  });
});

describe('the probe page policy (app/probe/[id])', () => {
  const connect = (...origins: string[]) => probePageConnect(new URLSearchParams(origins.map((o) => ['connect', o])));

  it('lets the probe page connect to the origins of its plan part and be framed by the dashboard only', () => {
    const csp = cspFor('abc', false, { connect: ['http://198.51.100.60', 'https://a.lab.example:8443'] });
    expect(csp).toContain("connect-src 'self' http://198.51.100.60 https://a.lab.example:8443;");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    // Every other page keeps connect-src 'self' alone.
    expect(cspFor('abc')).toContain("connect-src 'self';");
  });

  it('is only /probe/<id>, never cached, and framable by the same origin only', () => {
    expect(isProbePage('/probe/t1')).toBe(true);
    expect(isProbePage('/probe/t1/x')).toBe(false);
    expect(isProbePage('/probe')).toBe(false);
    expect(isPrivatePath('/probe/t1')).toBe(true);
    expect(securityHeadersFor('/probe/t1')['X-Frame-Options']).toBe('SAMEORIGIN');
    expect(securityHeadersFor('/')['X-Frame-Options']).toBe('DENY');
  });

  it('reads http(s) origins in canonical form, each once', () => {
    expect(connect('http://198.51.100.60', 'http://192.0.2.11:30081', 'https://a.lab.example', 'http://[2001:db8::1]:8080', 'http://198.51.100.60')).toEqual([
      'http://198.51.100.60',
      'http://192.0.2.11:30081',
      'https://a.lab.example',
      'http://[2001:db8::1]:8080',
    ]);
  });

  it.each([
    ["http://198.51.100.60; script-src 'unsafe-inline'"],
    ['http://198.51.100.60 https://evil.example'],
    ['http://*.example'],
    ['*'],
    ['data:'],
    ['ws://198.51.100.60'],
    ['http://198.51.100.60/path'],
    ['http://198.51.100.60:80'],
    ['HTTP://A.LAB.EXAMPLE'],
    ['http://user@198.51.100.60'],
    ["'self'"],
  ])('refuses %s, so nothing but plain origins reaches the header', (origin) => {
    expect(connect(origin)).toBeNull();
    expect(connect('http://198.51.100.60', origin)).toBeNull();
  });

  it('refuses no origin and too many', () => {
    expect(connect()).toBeNull();
    expect(connect(...Array.from({ length: MAX_PROBE_PAGE_ORIGINS + 1 }, (_, i) => `http://192.0.2.1:${30000 + i}`))).toBeNull();
    expect(connect(...Array.from({ length: MAX_PROBE_PAGE_ORIGINS }, (_, i) => `http://192.0.2.1:${30000 + i}`))).toHaveLength(MAX_PROBE_PAGE_ORIGINS);
  });
});
