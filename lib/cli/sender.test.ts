// The agent's sender over loopback only: every target here listens on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '@/lib/echo/server';
import type { OutsideProbe, ProbeTarget } from '@/lib/types';
import { outcomeOfError, sendProbe, USER_AGENT } from './sender';

const testdata = (name: string) => readFileSync(path.join(import.meta.dirname, '..', 'echo', 'testdata', name));

function probe(target: Partial<ProbeTarget> & { port: number }, over: Partial<OutsideProbe> = {}): OutsideProbe {
  const nonce = randomUUID();
  const tls = target.tls === true;
  return {
    id: 'p',
    pathId: 'p',
    kind: 'direct',
    target: { address: '127.0.0.1', label: 'loopback', ...target },
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${target.port}/hopscope-probe?nonce=${nonce}`,
    httpPath: `/hopscope-probe?nonce=${nonce}`,
    headers: [],
    nonce,
    ...over,
  };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('outcomeOfError', () => {
  it.each([
    ['ECONNREFUSED', 'connect', 'refused'],
    ['ECONNRESET', 'http', 'reset'],
    ['EPIPE', 'http', 'reset'],
    ['ENETUNREACH', 'connect', 'no-route'],
    ['EHOSTUNREACH', 'connect', 'no-route'],
    ['ENOTFOUND', 'connect', 'dns'],
    ['EAI_AGAIN', 'connect', 'dns'],
    ['ETIMEDOUT', 'connect', 'timeout'],
    ['ETIMEDOUT', 'tls', 'timeout'],
    ['ECONNRESET', 'tls', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls', 'tls'],
    ['EWHATEVER', 'http', 'error'],
    [undefined, 'connect', 'error'],
  ] as const)('%s during %s is %s', (code, phase, outcome) => {
    expect(outcomeOfError(code, phase)).toBe(outcome);
  });
});

describe('sendProbe over loopback', () => {
  let echo: EchoServer;
  beforeAll(async () => {
    echo = await startEchoServer({ port: 0, tlsPort: 0, host: '127.0.0.1', tls: { key: testdata('tls-test-key.pem'), cert: testdata('tls-test-cert.pem') } });
  });
  afterAll(() => echo.close());

  it('gets the echo report with its own request line, user agent and nonce', async () => {
    const p = probe({ port: echo.port });
    const sent = await sendProbe(p, 2000);
    expect(sent).toMatchObject({ outcome: 'ok', status: 200, error: null, localAddress: '127.0.0.1', wroteProxyHeader: null });
    expect(sent.contentType).toMatch(/^application\/json/);
    expect(sent.bytes).toBe(Buffer.byteLength(sent.body!));
    const report = JSON.parse(sent.body!) as { request: { method: string; path: string }; headers: [string, string][] };
    expect(report.request).toMatchObject({ method: 'GET', path: p.httpPath });
    expect(report.headers).toEqual(expect.arrayContaining([['User-Agent', USER_AGENT], ['Connection', 'close']]));
  });

  it('writes PROXY v2 before the request where the target asks for it', async () => {
    const sent = await sendProbe(probe({ port: echo.port, proxyProtocol: 'v2' }), 2000);
    const report = JSON.parse(sent.body!) as { proxyProtocol: { version: number; src: string; dst: string; dstPort: number } };
    expect(report.proxyProtocol).toMatchObject({ version: 2, src: '127.0.0.1', dst: '127.0.0.1', dstPort: echo.port });
    expect(sent.wroteProxyHeader).toMatch(new RegExp(`^PROXY v2 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${echo.port}$`));
  });

  it('sends no server name when the host is an IP address', async () => {
    const sent = await sendProbe(probe({ port: echo.tlsPort!, tls: true, host: '127.0.0.1' }), 2000);
    expect(JSON.parse(sent.body!)).toMatchObject({ tls: true, sni: null, host: '127.0.0.1' });
  });

  it('calls a failed handshake tls: TLS to a port that answers in plain HTTP', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
    const port = await listen(server);
    try {
      const sent = await sendProbe(probe({ port, tls: true, host: 'shop.example.test' }), 2000);
      expect(sent.outcome).toBe('tls');
      expect(sent.error).toMatch(/^TLS handshake failed: /);
      expect(sent.status).toBeNull();
    } finally {
      server.close();
    }
  });

  it('keeps the status of an answer that is not 2xx', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('no endpoints\n');
    });
    const port = await listen(server);
    try {
      expect(await sendProbe(probe({ port }), 2000)).toMatchObject({ outcome: 'http-error', status: 503, body: 'no endpoints\n', error: null });
    } finally {
      server.close();
    }
  });

  it('calls a reply that is not HTTP an error, not an answer', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n')));
    const port = await listen(server);
    try {
      const sent = await sendProbe(probe({ port }), 2000);
      expect(sent.outcome).toBe('error');
      expect(sent.error).toMatch(/^the reply is not an HTTP\/1\.x response \(HPE_/);
    } finally {
      server.close();
    }
  });

  it('sends nothing for a probe the plan check refuses', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const port = await listen(server);
    try {
      const sent = await sendProbe(probe({ port }, { url: `ftp://127.0.0.1:${port}/x` }), 2000);
      expect(sent).toMatchObject({ outcome: 'not-sent', durationMs: 0, localAddress: null });
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });
});
