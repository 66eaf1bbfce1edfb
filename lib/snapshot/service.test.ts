import { describe, expect, it } from 'vitest';
import { HopscopeError } from '@/lib/errors';
import { requestOrigin, requireSnapshotAdmin } from '@/lib/api';
import { snapshotUrl } from './service';

const ID = 'AbCdEfGhIjKlMnOpQrStUvWx';
const request = (headers: Record<string, string>) => new Request('http://localhost:3000/api/v1/snapshots', { headers });

describe('share link origin', () => {
  it.each([
    ['no Host header', {}, 'http://localhost:3000'],
    ['the Host the browser used', { host: '127.0.0.1:3310' }, 'http://127.0.0.1:3310'],
    ['an IPv6 Host', { host: '[::1]:3000' }, 'http://[::1]:3000'],
    ['a proxy\'s forwarded host and scheme', { host: 'hopscope:80', 'x-forwarded-host': 'tools.example.com', 'x-forwarded-proto': 'https' }, 'https://tools.example.com'],
    ['the first of several forwarded values', { 'x-forwarded-host': 'a.example.com, b.example.com', 'x-forwarded-proto': 'https,http' }, 'https://a.example.com'],
    ['a malformed Host', { host: 'evil.example.com/path?x=' }, 'http://localhost:3000'],
    ['an unknown forwarded scheme', { host: 'tools.example.com', 'x-forwarded-proto': 'javascript' }, 'http://tools.example.com'],
  ])('uses %s', (_label, headers, origin) => {
    expect(requestOrigin(request(headers))).toBe(origin);
  });

  it.each([
    [null, { host: '127.0.0.1:3310' }, `http://127.0.0.1:3310/s/${ID}`],
    ['https://tools.example.com', { host: '127.0.0.1:3310' }, `https://tools.example.com/s/${ID}`],
    ['https://tools.example.com/hopscope', {}, `https://tools.example.com/hopscope/s/${ID}`],
    ['https://tools.example.com/hopscope/', {}, `https://tools.example.com/hopscope/s/${ID}`],
  ])('with public URL %s builds the link from it, keeping a path prefix', (publicUrl, headers, link) => {
    expect(snapshotUrl(ID, requestOrigin(request(headers)), publicUrl)).toBe(link);
  });
});

describe('snapshot admin token (listing and deleting)', () => {
  const TOKEN = 'a-long-enough-admin-token';
  const rejection = (headers: Record<string, string>) => {
    try {
      requireSnapshotAdmin(request(headers), TOKEN);
    } catch (err) {
      if (err instanceof HopscopeError) return { status: err.status, code: err.code, hint: err.hint };
      throw err;
    }
    return null;
  };

  it('is open when no token is configured', () => {
    expect(() => requireSnapshotAdmin(request({}), null)).not.toThrow();
  });

  it('accepts the configured bearer token, whatever the scheme\'s case', () => {
    expect(rejection({ authorization: `Bearer ${TOKEN}` })).toBeNull();
    expect(rejection({ authorization: `bearer ${TOKEN}` })).toBeNull();
  });

  it.each([
    ['no Authorization header', {}],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('answers 401 with a hint for %s', (_label, headers) => {
    expect(rejection(headers)).toEqual({ status: 401, code: 'unauthorized', hint: expect.stringContaining('HOPSCOPE_SNAPSHOT_ADMIN_TOKEN') });
  });

  it.each([
    ['a wrong token', `Bearer wrong-token-of-any-length`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token with a suffix', `Bearer ${TOKEN}x`],
  ])('answers 403 for %s', (_label, authorization) => {
    expect(rejection({ authorization })).toMatchObject({ status: 403, code: 'forbidden' });
  });
});
