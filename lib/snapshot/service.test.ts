import { describe, expect, it } from 'vitest';
import { requestOrigin, snapshotUrl } from './service';

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
    expect(snapshotUrl(ID, request(headers), publicUrl)).toBe(link);
  });
});
