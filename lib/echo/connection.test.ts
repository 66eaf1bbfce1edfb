// The phases of one echo connection over real loopback sockets: PROXY preamble → request head → answered,
// and the deadline and idle timeout that cut a slow or silent client off.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProxyV1 } from './proxy-protocol';
import type { EchoReport } from './report';
import { startEchoServer, type EchoServer } from './server';
import { exchange } from '@/test/support/echo';

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, 'testdata', name));
const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: echo.test\r\n\r\n`;
const report = (body: string) => JSON.parse(body) as EchoReport;
const REQUEST_TIMEOUT_MS = 150;

let echo: EchoServer;

beforeAll(async () => {
  echo = await startEchoServer({
    port: 0,
    host: '127.0.0.1',
    tlsPort: 0,
    tls: { key: testdata('tls-test-key.pem'), cert: testdata('tls-test-cert.pem') },
    limits: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
  });
});
afterAll(() => echo.close());

describe('preamble phase', () => {
  it('reads a v1 header cut mid-token over several segments, then the request from its own segment', async () => {
    const preamble = encodeProxyV1({ src: '203.0.113.10', dst: '198.51.100.50', srcPort: 40000, dstPort: 80 }).toString('latin1');
    const chunks = ['P', 'ROXY TC', 'P4 203.0.11', preamble.slice('PROXY TCP4 203.0.11'.length, -1), '\n', get('/after-preamble')];
    const response = await exchange(echo.port, { chunks });
    expect(report(response.body)).toMatchObject({
      proxyProtocol: { version: 1, src: '203.0.113.10', srcPort: 40000 },
      request: { path: '/after-preamble' },
    });
  });

  it('hands the bytes held while telling "POST" from "PROXY" to the request head, none lost', async () => {
    const request = 'POST /form HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 0\r\n\r\n';
    const response = await exchange(echo.port, { chunks: request.split('') });
    expect(report(response.body)).toMatchObject({
      proxyProtocol: null,
      request: { method: 'POST', path: '/form' },
      headers: [
        ['Host', 'echo.test'],
        ['Content-Length', '0'],
      ],
    });
  });
});

describe('answered phase', () => {
  it.each([
    ['in the same segment', [get('/first') + get('/second')]],
    ['in the next segment', [get('/first'), get('/second')]],
  ])('answers only the first of two pipelined requests %s, then closes', async (_name, chunks) => {
    const response = await exchange(echo.port, { chunks });
    expect(report(response.body).request.path).toBe('/first');
  });
});

describe('deadline and idle timeout', () => {
  it('answers 408 when the PROXY header itself never completes', async () => {
    const response = await exchange(echo.port, { chunks: ['PROXY TCP4 203.0.113.10 '] });
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body).error).toMatchObject({
      code: 'request_timeout',
      message: `request head not received within ${REQUEST_TIMEOUT_MS} ms`,
    });
  });

  it('answers 408 inside TLS when the head is late after the handshake', async () => {
    const response = await exchange(echo.tlsPort!, { chunks: ['GET / HTTP/1.1\r\nHost: x\r\n'], tls: {} });
    expect(response.status).toBe(408);
  });

  it('closes a silent connection without a reply once the idle timeout passes, before the head deadline', async () => {
    const idle = await startEchoServer({ port: 0, host: '127.0.0.1', limits: { idleTimeoutMs: 100, requestTimeoutMs: 60_000 } });
    try {
      const started = Date.now();
      const response = await exchange(idle.port, { chunks: [] });
      expect(response.empty).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await idle.close();
    }
  });
});
