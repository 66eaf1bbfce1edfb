import { describe, expect, it } from 'vitest';
import { headerValues, parseRequestHead } from './http-head';

const parse = (text: string, maxBytes = 1024) => parseRequestHead(Buffer.from(text, 'latin1'), maxBytes);

describe('parseRequestHead', () => {
  it('keeps header lines in order with duplicates and reports the head length', () => {
    const head = 'GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.2.3.4\r\nx-forwarded-for:\t203.0.113.10 \r\nEmpty:\r\n\r\n';
    expect(parse(`${head}body`)).toEqual({
      kind: 'head',
      length: head.length,
      head: {
        method: 'GET',
        target: '/a?b=1',
        httpVersion: '1.1',
        headers: [
          ['Host', 'x'],
          ['X-Forwarded-For', '1.2.3.4'],
          ['x-forwarded-for', '203.0.113.10'],
          ['Empty', ''],
        ],
      },
    });
  });

  it('ignores empty lines before the request line (RFC 9112 §2.2)', () => {
    expect(parse('\r\n\r\nGET / HTTP/1.0\r\n\r\n')).toMatchObject({ kind: 'head', head: { httpVersion: '1.0' } });
  });

  it.each([
    ['GET / HTTP/1.1\r\nHost: x\r\n', 'incomplete'],
    ['GET / HTTP/1.1\r\n', 'incomplete'],
    ['', 'incomplete'],
    ['GET /  HTTP/1.1\r\n\r\n', 'invalid'],
    ['GET / HTTP/1.1 extra\r\n\r\n', 'invalid'],
    ['G(T / HTTP/1.1\r\n\r\n', 'invalid'],
    ['GET / HTTP/3.0\r\n\r\n', 'invalid'],
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'invalid'],
    ['GET / HTTP/1.1\r\n: no name\r\n\r\n', 'invalid'],
    ['GET / HTTP/1.1\r\nNoColon\r\n\r\n', 'invalid'],
  ])('%j → %s', (text, kind) => {
    expect(parse(text).kind).toBe(kind);
  });

  it('answers too-large once the unfinished head passes the limit, and for a finished head over it', () => {
    expect(parse(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}`, 64).kind).toBe('too-large');
    expect(parse(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`, 64).kind).toBe('too-large');
    expect(parse(`GET / HTTP/1.1\r\nX: ${'a'.repeat(30)}\r\n\r\n`, 64).kind).toBe('head');
  });
});

describe('headerValues', () => {
  it('matches names case-insensitively and keeps order', () => {
    const headers: [string, string][] = [['X-Real-IP', 'a'], ['Host', 'h'], ['x-real-ip', 'b']];
    expect(headerValues(headers, 'X-REAL-IP')).toEqual(['a', 'b']);
    expect(headerValues(headers, 'forwarded')).toEqual([]);
  });
});
