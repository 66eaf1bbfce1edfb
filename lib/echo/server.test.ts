import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEchoResponse } from './parse';
import { encodeProxyV1, encodeProxyV2 } from './proxy-protocol';
import type { EchoReport } from './report';
import { startEchoServer, type EchoServer } from './server';
import { captureLogger, exchange, header, type CapturedLogger } from '@/test/support/echo';

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, 'testdata', name));
const identity = { podName: 'echo-5d8f', podNamespace: 'default', podIp: '10.244.1.10', nodeName: 'wk-a' };
const get = (target: string, lines: string[] = []) => `GET ${target} HTTP/1.1\r\nHost: echo.test\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
const report = (body: string) => JSON.parse(body) as EchoReport;

let echo: EchoServer;
let log: CapturedLogger;

beforeAll(async () => {
  log = captureLogger();
  echo = await startEchoServer({
    port: 0,
    host: '127.0.0.1',
    tlsPort: 0,
    tls: { key: testdata('tls-test-key.pem'), cert: testdata('tls-test-cert.pem') },
    identity,
    logger: log.logger,
  });
});
afterAll(() => echo.close());

describe('echo report over plain HTTP', () => {
  it('reports peer, local, request, identity and every header line in order, duplicates kept', async () => {
    const response = await exchange(echo.port, {
      chunks: [get('/shop?x=1', ['X-Forwarded-For: 1.2.3.4', 'X-Real-IP: 1.2.3.4', 'x-forwarded-for: 203.0.113.10, 192.0.2.1'])],
    });
    expect(response.status).toBe(200);
    expect(header(response, 'content-type')).toBe('application/json');
    const body = report(response.body);
    expect(body).toMatchObject({
      kind: 'hopscope-echo',
      peer: { address: '127.0.0.1' },
      local: { address: '127.0.0.1', port: echo.port },
      proxyProtocol: null,
      tls: false,
      sni: null,
      request: { method: 'GET', path: '/shop?x=1', httpVersion: '1.1' },
      host: 'echo.test',
      identity,
      headers: [
        ['Host', 'echo.test'],
        ['X-Forwarded-For', '1.2.3.4'],
        ['X-Real-IP', '1.2.3.4'],
        ['x-forwarded-for', '203.0.113.10, 192.0.2.1'],
      ],
    });
    expect(parseEchoResponse(response.body, header(response, 'content-type'))).toMatchObject({
      format: 'hopscope',
      peer: '127.0.0.1',
      xForwardedFor: ['1.2.3.4', '203.0.113.10, 192.0.2.1'],
      xRealIp: '1.2.3.4',
      echoPod: 'echo-5d8f',
      echoNode: 'wk-a',
    });
  });

  it('answers Node http clients, which send duplicate headers as separate lines', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: echo.port, path: '/', headers: { 'X-Forwarded-For': ['10.0.0.1', '10.0.0.2'] } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(parseEchoResponse(body)?.xForwardedFor).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it.each([
    ['?format=text', [], 'text/plain; charset=utf-8'],
    ['', ['Accept: text/plain'], 'text/plain; charset=utf-8'],
    ['', ['User-Agent: curl/8.5.0'], 'text/plain; charset=utf-8'],
    ['?format=json', ['User-Agent: curl/8.5.0'], 'application/json'],
    ['', ['User-Agent: curl/8.5.0', 'Accept: application/json'], 'application/json'],
    ['', ['Accept: text/html'], 'application/json'],
  ])('GET /%s with %j answers %s', async (query, lines, contentType) => {
    const response = await exchange(echo.port, { chunks: [get(`/${query}`, [...lines, 'X-Forwarded-For: 198.51.100.7'])] });
    expect(header(response, 'content-type')).toBe(contentType);
    expect(parseEchoResponse(response.body, contentType)).toMatchObject({ peer: '127.0.0.1', xForwardedFor: ['198.51.100.7'] });
  });

  it('answers a request that arrives a few bytes at a time', async () => {
    const request = get('/slow', ['X-Forwarded-For: 1.2.3.4']);
    const chunks = request.match(/[\s\S]{1,5}/g)!;
    const response = await exchange(echo.port, { chunks });
    expect(report(response.body).request.path).toBe('/slow');
  });

  it('answers a POST with a body without resetting the connection', async () => {
    const response = await exchange(echo.port, {
      chunks: ['POST /form HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 11\r\n\r\n', 'hello=world'],
    });
    expect(report(response.body).request.method).toBe('POST');
  });

  it('answers HEAD without a body', async () => {
    const response = await exchange(echo.port, { chunks: ['HEAD / HTTP/1.1\r\nHost: echo.test\r\n\r\n'] });
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    expect(Number(header(response, 'content-length'))).toBeGreaterThan(0);
  });

  it('answers GET /healthz with ok', async () => {
    const response = await exchange(echo.port, { chunks: [get('/healthz')] });
    expect([response.status, response.body]).toEqual([200, 'ok\n']);
  });
});

describe('the probe path, which a page on another origin may read', () => {
  const origin = 'Origin: http://localhost:3000';
  const headersOf = (response: { headers: [string, string][] }) => Object.fromEntries(response.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const preflight = (target: string) =>
    exchange(echo.port, {
      chunks: [
        `OPTIONS ${target} HTTP/1.1\r\nHost: echo.test\r\n${origin}\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: x-forwarded-for,x-real-ip\r\nAccess-Control-Request-Private-Network: true\r\n\r\n`,
      ],
    });

  it('answers the preflight of a forged X-Forwarded-For, then the forged request itself, with the nonce in the report', async () => {
    const target = '/hopscope-probe?nonce=AAAAAAAAAAAAAAAAAAAAAA';
    const allowed = await preflight(target);
    expect([allowed.status, allowed.body]).toEqual([204, '']);
    expect(headersOf(allowed)).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'X-Forwarded-For, X-Real-IP',
      'access-control-allow-private-network': 'true',
      'access-control-max-age': '0',
    });
    // What the browser checks before it sends the request: every header it asked for is allowed.
    const granted = headersOf(allowed)['access-control-allow-headers']!.toLowerCase().split(/,\s*/);
    expect(['x-forwarded-for', 'x-real-ip'].every((h) => granted.includes(h))).toBe(true);

    const forged = await exchange(echo.port, { chunks: [get(target, [origin, 'X-Forwarded-For: 198.51.100.66', 'X-Real-IP: 198.51.100.66'])] });
    expect(forged.status).toBe(200);
    expect(header(forged, 'access-control-allow-origin')).toBe('*');
    expect(parseEchoResponse(forged.body, header(forged, 'content-type'))).toMatchObject({
      peer: '127.0.0.1',
      xForwardedFor: ['198.51.100.66'],
      xRealIp: '198.51.100.66',
      path: target,
    });
  });

  it.each([
    ['curl', ['User-Agent: curl/8.5.0']],
    ['a text Accept', ['Accept: text/plain']],
  ])('answers JSON there also to %s', async (_who, lines) => {
    const response = await exchange(echo.port, { chunks: [get('/hopscope-probe?nonce=n1&format=text', lines)] });
    expect(header(response, 'content-type')).toBe('application/json');
    expect(report(response.body).request.path).toBe('/hopscope-probe?nonce=n1&format=text');
  });

  it('allows no other origin anywhere else: no CORS headers, and OPTIONS is answered as any request', async () => {
    const plain = await exchange(echo.port, { chunks: [get('/', [origin])] });
    expect(header(plain, 'access-control-allow-origin')).toBeNull();
    const options = await preflight('/');
    expect(options.status).toBe(200);
    expect(options.headers.filter(([k]) => k.toLowerCase().startsWith('access-control-'))).toEqual([]);
    expect(report(options.body).request.method).toBe('OPTIONS');
    // A path that only starts like the probe path is another path.
    const lookalike = await preflight('/hopscope-probe-not');
    expect(header(lookalike, 'access-control-allow-origin')).toBeNull();
  });
});

describe('PROXY protocol on the same port as plain HTTP', () => {
  it.each([
    ['v1', encodeProxyV1({ src: '203.0.113.10', dst: '198.51.100.50', srcPort: 40000, dstPort: 80 }), 'TCP4', '203.0.113.10'],
    ['v1 TCP6', encodeProxyV1({ src: '2001:db8::7', dst: '2001:db8::1', srcPort: 4711, dstPort: 80 }), 'TCP6', '2001:db8::7'],
    ['v2', encodeProxyV2({ addresses: { src: '203.0.113.10', dst: '198.51.100.50', srcPort: 40000, dstPort: 80 } }), 'TCP4', '203.0.113.10'],
  ])('%s header before the request', async (_name, preamble, family, src) => {
    const response = await exchange(echo.port, { chunks: [preamble, get('/', ['X-Forwarded-For: 1.2.3.4'])] });
    const body = report(response.body);
    expect(body.peer.address).toBe('127.0.0.1');
    expect(body.proxyProtocol).toMatchObject({ family, src, command: 'PROXY' });
    expect(body.headers).toContainEqual(['X-Forwarded-For', '1.2.3.4']);
  });

  it('a v2 header split across writes, with TLVs, in the same packet as the request', async () => {
    const preamble = encodeProxyV2({
      addresses: { src: '203.0.113.10', dst: '198.51.100.50', srcPort: 40000, dstPort: 443 },
      tlvs: [{ type: 0x02, value: 'shop.example.com' }],
    });
    const request = Buffer.concat([preamble.subarray(10), Buffer.from(get('/'))]);
    const response = await exchange(echo.port, { chunks: [preamble.subarray(0, 10), request] });
    expect(report(response.body).proxyProtocol).toMatchObject({
      version: 2,
      src: '203.0.113.10',
      tlvs: [{ type: 2, name: 'AUTHORITY', value: 'shop.example.com' }],
    });
  });

  it('a v2 LOCAL health check is reported without addresses', async () => {
    const response = await exchange(echo.port, { chunks: [Buffer.concat([encodeProxyV2({ addresses: null }), Buffer.from(get('/'))])] });
    expect(report(response.body).proxyProtocol).toMatchObject({ command: 'LOCAL', src: null });
  });

  it('a malformed header gets a clear 400, one log line, and the server serves the next request', async () => {
    const before = log.lines().length;
    const response = await exchange(echo.port, { chunks: [`PROXY TCP4 203.0.113.999 198.51.100.50 40000 80\r\n${get('/')}`] });
    expect(response.status).toBe(400);
    expect(header(response, 'content-type')).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'malformed_proxy_header',
        message: 'malformed PROXY protocol v1 header: invalid TCP4 source address "203.0.113.999"',
        hint: expect.stringContaining('proxy-protocol'),
      },
    });
    const newLines = log.lines().slice(before);
    expect(newLines).toEqual([expect.objectContaining({ level: 40, msg: 'echo malformed PROXY header', version: 1 })]);
    const next = await exchange(echo.port, { chunks: [get('/after')] });
    expect(report(next.body).request.path).toBe('/after');
  });

  it('a v2 header with a bad command is refused the same way', async () => {
    const bad = encodeProxyV2({ addresses: { src: '192.0.2.1', dst: '192.0.2.2', srcPort: 1, dstPort: 2 } });
    bad[12] = 0x2f;
    const response = await exchange(echo.port, { chunks: [Buffer.concat([bad, Buffer.from(get('/'))])] });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.message).toContain('v2');
  });
});

describe('TLS port', () => {
  it('reports SNI and tls: true', async () => {
    const response = await exchange(echo.tlsPort!, { chunks: [get('/secure')], tls: { servername: 'shop.example.com' } });
    expect(report(response.body)).toMatchObject({ tls: true, sni: 'shop.example.com', local: { port: echo.tlsPort }, request: { path: '/secure' } });
  });

  it('reads a PROXY header sent before the TLS handshake', async () => {
    const preamble = encodeProxyV2({ addresses: { src: '203.0.113.10', dst: '198.51.100.50', srcPort: 40000, dstPort: 443 } });
    const response = await exchange(echo.tlsPort!, {
      chunks: [preamble, get('/')],
      tls: { servername: 'shop.example.com', afterFirstChunk: true },
    });
    expect(report(response.body)).toMatchObject({ tls: true, sni: 'shop.example.com', proxyProtocol: { src: '203.0.113.10' } });
  });

  it('reports sni null when the client sends none', async () => {
    const response = await exchange(echo.tlsPort!, { chunks: [get('/')], tls: {} });
    expect(report(response.body)).toMatchObject({ tls: true, sni: null });
  });
});

describe('limits and bad requests', () => {
  it('refuses a head over the default 16 KiB with 431', async () => {
    const response = await exchange(echo.port, { chunks: [get('/', [`X-Big: ${'a'.repeat(17 * 1024)}`])] });
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body).error.code).toBe('header_too_large');
  });

  it('refuses an endless head with 431 before it ends', async () => {
    const response = await exchange(echo.port, { chunks: [`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(20 * 1024)}`] });
    expect(response.status).toBe(431);
  });

  it.each([
    ['not http at all\r\n\r\n', 'not an HTTP/1.x request line'],
    ['GET / HTTP/2.0\r\n\r\n', 'unsupported HTTP version'],
    ['GET / HTTP/1.1\r\nBad Header: x\r\n\r\n', 'malformed header line'],
    ['GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n', 'folding'],
  ])('answers %j with 400', async (request, reason) => {
    const response = await exchange(echo.port, { chunks: [request] });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.message).toContain(reason);
  });

  it('answers 408 when the head does not arrive in time, and closes', async () => {
    const small = await startEchoServer({ port: 0, host: '127.0.0.1', limits: { requestTimeoutMs: 150 } });
    try {
      const response = await exchange(small.port, { chunks: ['GET / HTTP/1.1\r\nHost: x\r\n'] });
      expect(response.status).toBe(408);
    } finally {
      await small.close();
    }
  });

  it('applies a custom header limit', async () => {
    const small = await startEchoServer({ port: 0, host: '127.0.0.1', limits: { maxHeaderBytes: 256 } });
    try {
      expect((await exchange(small.port, { chunks: [get('/', ['X-A: ' + 'a'.repeat(200)])] })).status).toBe(200);
      expect((await exchange(small.port, { chunks: [get('/', ['X-A: ' + 'a'.repeat(300)])] })).status).toBe(431);
    } finally {
      await small.close();
    }
  });

  it('drops connections over the limit and logs it', async () => {
    const captured = captureLogger();
    const small = await startEchoServer({ port: 0, host: '127.0.0.1', limits: { maxConnections: 1 }, logger: captured.logger });
    const holder = net.connect({ port: small.port, host: '127.0.0.1' });
    try {
      await new Promise((resolve) => holder.once('connect', resolve));
      const dropped = await exchange(small.port, { chunks: [] }).then(
        (response) => (response.empty ? 'closed' : `answered ${response.status}`),
        (error: NodeJS.ErrnoException) => error.code,
      );
      expect(['closed', 'ECONNRESET']).toContain(dropped);
      expect(captured.lines()).toContainEqual(expect.objectContaining({ msg: 'echo connection dropped: limit reached', max: 1 }));
    } finally {
      holder.destroy();
      await small.close();
    }
  });

  it('refuses TLS options without a TLS port', async () => {
    await expect(startEchoServer({ port: 0, tls: { key: '', cert: '' } })).rejects.toThrow(/TLS port/);
  });
});
