import { readFileSync } from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import { parseEchoResponse } from '@/lib/echo/parse';
import { loopbackOnlyTransport } from '@/test/support/net';
import { outcomeOfError, parseHttpResponse } from './transport';

// Real sockets on loopback only: the hopscope echo server and small servers that misbehave on purpose.
let echo: EchoServer;
const extras: net.Server[] = [];
const sockets = new Set<net.Socket>();

async function listen(server: net.Server): Promise<number> {
  extras.push(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const testdata = (file: string) => readFileSync(new URL(`../echo/testdata/${file}`, import.meta.url), 'utf8');

beforeAll(async () => {
  echo = await startEchoServer({
    port: 0,
    host: '127.0.0.1',
    tlsPort: 0,
    tls: { cert: testdata('tls-test-cert.pem'), key: testdata('tls-test-key.pem') },
    identity: { podName: 'echo-1', nodeName: 'node1' },
  });
});
afterAll(async () => {
  await echo.close();
  for (const socket of sockets) socket.destroy();
  await Promise.all(extras.map((s) => new Promise((resolve) => s.close(resolve))));
});

const target = (port: number, extra = {}) => ({ address: '127.0.0.1', port, label: `loopback:${port}`, ...extra });

describe('socketTransport against the real echo server', () => {
  it('reports the echo observation and the prober address', async () => {
    const response = await loopbackOnlyTransport({ target: target(echo.port), httpPath: '/', headers: [['X-Forwarded-For', '198.51.100.66']], timeoutMs: 2000 });
    expect(response.outcome).toBe('ok');
    expect(response.localAddress).toBe('127.0.0.1');
    const observation = parseEchoResponse(response.body!, response.contentType);
    expect(observation?.peer).toBe('127.0.0.1');
    expect(observation?.xForwardedFor).toEqual(['198.51.100.66']);
    expect(observation?.echoPod).toBe('echo-1');
    expect(observation?.proxyProtocol).toBeNull();
  });

  it.each(['v1', 'v2'] as const)('sends its own PROXY %s header first when the target expects one', async (version) => {
    const response = await loopbackOnlyTransport({ target: target(echo.port, { proxyProtocol: version }), httpPath: '/', headers: [], timeoutMs: 2000 });
    expect(response.outcome).toBe('ok');
    const observation = parseEchoResponse(response.body!, response.contentType);
    expect(observation?.proxyProtocol).toMatchObject({ version: version === 'v1' ? 1 : 2, src: '127.0.0.1', dst: '127.0.0.1', dstPort: echo.port });
  });

  it('sends the Host header of an Ingress target', async () => {
    const response = await loopbackOnlyTransport({ target: target(echo.port, { host: 'shop.example.com' }), httpPath: '/', headers: [], timeoutMs: 2000 });
    expect(parseEchoResponse(response.body!, response.contentType)?.host).toBe('shop.example.com');
  });

  it('speaks TLS to an https Ingress target, with the host as SNI and as Host header', async () => {
    const response = await loopbackOnlyTransport({ target: target(echo.tlsPort!, { host: 'shop.example.com', tls: true }), httpPath: '/', headers: [], timeoutMs: 2000 });
    expect(response.outcome).toBe('ok');
    expect(parseEchoResponse(response.body!, response.contentType)?.host).toBe('shop.example.com');
    expect(JSON.parse(response.body!)).toMatchObject({ sni: 'shop.example.com', tls: expect.anything() });
  });
});

describe('socketTransport failure outcomes', () => {
  it('tells a refusal from a drop, an empty reply and an HTTP error', async () => {
    const silent = await listen(net.createServer(() => undefined));
    const hangUp = await listen(net.createServer((socket) => socket.end()));
    const garbage = await listen(net.createServer((socket) => socket.end('SSH-2.0-not-http\r\n')));
    const badRequest = await listen(
      net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))),
    );
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const refusedPort = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));

    // Only the silent server needs to run into the timeout; the others get a long one so that a stalled event loop
    // on a busy machine cannot turn their answer into a timeout.
    const cases = [
      { port: refusedPort, outcome: 'refused', timeoutMs: 5_000 },
      { port: silent, outcome: 'timeout', timeoutMs: 300 },
      { port: hangUp, outcome: 'empty-reply', timeoutMs: 5_000 },
      { port: garbage, outcome: 'error', timeoutMs: 5_000 },
      { port: badRequest, outcome: 'http-error', status: 400, timeoutMs: 5_000 },
    ];
    const results = await Promise.all(
      cases.map((c) => loopbackOnlyTransport({ target: target(c.port), httpPath: '/', headers: [], timeoutMs: c.timeoutMs })),
    );
    results.forEach((r, i) => {
      expect(r.outcome, `port case ${i}`).toBe(cases[i]!.outcome);
      if (cases[i]!.status) expect(r.status).toBe(cases[i]!.status);
    });
  });

  it('names a failed TLS negotiation tls, and a server that hangs up during the handshake an empty reply', async () => {
    // A plain HTTP server answers the ClientHello with a 400 in clear text: OpenSSL reads no TLS record.
    const plain = await listen(net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))));
    // nginx expecting PROXY closes on anything else, a ClientHello too (docs/lab.md#row-29).
    const closes = await listen(net.createServer((socket) => socket.once('data', () => socket.end())));
    const [wrongProtocol, hungUp] = await Promise.all(
      [plain, closes].map((port) => loopbackOnlyTransport({ target: target(port, { host: 'shop.example.com', tls: true }), httpPath: '/', headers: [], timeoutMs: 5_000 })),
    );
    expect(wrongProtocol).toMatchObject({ outcome: 'tls', status: null, body: null });
    expect(wrongProtocol!.error).toMatch(/^TLS handshake failed: ERR_SSL_/);
    expect(hungUp!.outcome).toBe('empty-reply');
  });

  it('refuses to send a request with a control character: not-sent, nothing connects', async () => {
    let connections = 0;
    const port = await listen(net.createServer((socket) => (connections++, socket.end())));
    const response = await loopbackOnlyTransport({ target: target(port, { host: 'a.example\r\nX: 1' }), httpPath: '/', headers: [], timeoutMs: 2_000 });
    expect(response).toMatchObject({ outcome: 'not-sent', localAddress: null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connections).toBe(0);
  });

  it('decodes a chunked answer (a healthCheckNodePort-like server)', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.write('{"localEndpoints":');
      res.end('0}');
    });
    const port = await listen(server);
    const response = await loopbackOnlyTransport({ target: target(port), httpPath: '/healthz', headers: [], timeoutMs: 2000 });
    expect(response).toMatchObject({ outcome: 'http-error', status: 503, body: '{"localEndpoints":0}' });
    // Everything the server sent is counted, head and chunk framing included.
    expect(response.bytes).toBeGreaterThan('{"localEndpoints":0}'.length);
  });
});

describe('outcomeOfError', () => {
  const error = (code: string, message = code, library?: string) => Object.assign(new Error(message), { code, library });
  it.each([
    ['ECONNREFUSED', false, 'refused'],
    // No route and DNS say where the request was from: never a timeout, never a verdict.
    ['ENETUNREACH', false, 'no-route'],
    ['EHOSTUNREACH', false, 'no-route'],
    ['ENOTFOUND', false, 'dns'],
    ['EAI_AGAIN', false, 'dns'],
    ['ETIMEDOUT', false, 'timeout'],
    ['ECONNRESET', false, 'reset'],
    ['EPIPE', false, 'reset'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', true, 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', true, 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', false, 'error'],
    ['EWHATEVER', true, 'error'],
  ] as const)('%s (during the TLS handshake: %s) → %s', (code, handshake, outcome) => {
    expect(outcomeOfError(error(code), handshake)).toBe(outcome);
  });

  it('tells an OpenSSL failure by its library and a hang-up during the handshake by its message', () => {
    expect(outcomeOfError(error('ERR_GENERIC', 'sslv3 alert handshake failure', 'SSL routines'), true)).toBe('tls');
    expect(outcomeOfError(error('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established'), true)).toBe('empty-reply');
  });
});

describe('parseHttpResponse', () => {
  it.each([
    ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi', 200, 'hi'],
    ['HTTP/1.0 404 Not Found\r\n\r\n', 404, ''],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n', 200, 'abc'],
  ])('parses %j', (raw, status, body) => {
    const parsed = parseHttpResponse(Buffer.from(raw, 'latin1'));
    expect(parsed?.status).toBe(status);
    expect(parsed?.body.toString()).toBe(body);
  });

  it('returns null for something that is not HTTP', () => {
    expect(parseHttpResponse(Buffer.from('\x00\x01garbage\r\n\r\n'))).toBeNull();
  });
});
