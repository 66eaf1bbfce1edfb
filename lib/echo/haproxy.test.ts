// The echo server behind a real HAProxy on loopback: PROXY v1 (send-proxy), PROXY v2 (send-proxy-v2, with a
// UNIQUE_ID TLV) and HTTP mode with `option forwardfor` — the cloud-LB imitations of the lab (docs/lab.md#row-15–#row-18).
// HAProxy is required: without it this test fails, it does not skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@/test/support/net';
import { parseEchoResponse } from './parse';
import type { EchoReport } from './report';
import { startEchoServer, type EchoServer } from './server';
import { exchange } from '@/test/support/echo';

function findHaproxy(): string {
  const candidates = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin'].map((dir) =>
    path.join(dir, 'haproxy'),
  );
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error('haproxy is required for this test (Debian: apt-get install haproxy)');
}

/** Resolves once something accepts connections on the port: HAProxy prints nothing when its listeners are up. */
async function waitUntilListening(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let echo: EchoServer;
let haproxy: ChildProcess;
let haproxyOutput = '';
let workDir: string;
const ports = { v1: 0, v2: 0, http: 0 };

beforeAll(async () => {
  const binary = findHaproxy();
  echo = await startEchoServer({ port: 0, host: '127.0.0.1', identity: { podName: 'echo-haproxy' } });
  ports.v1 = await freePort();
  ports.v2 = await freePort();
  ports.http = await freePort();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'hopscope-haproxy-'));
  const config = `
global
    maxconn 64
defaults
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe_proxy_v1
    bind 127.0.0.1:${ports.v1}
    mode tcp
    default_backend be_proxy_v1
backend be_proxy_v1
    mode tcp
    server echo 127.0.0.1:${echo.port} send-proxy
frontend fe_proxy_v2
    bind 127.0.0.1:${ports.v2}
    mode tcp
    unique-id-format hopscope-%ci-%cp
    default_backend be_proxy_v2
backend be_proxy_v2
    mode tcp
    server echo 127.0.0.1:${echo.port} send-proxy-v2 proxy-v2-options unique-id
frontend fe_http_xff
    bind 127.0.0.1:${ports.http}
    mode http
    option forwardfor
    default_backend be_http_xff
backend be_http_xff
    mode http
    server echo 127.0.0.1:${echo.port}
`;
  const configPath = path.join(workDir, 'haproxy.cfg');
  writeFileSync(configPath, config);
  haproxy = spawn(binary, ['-db', '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  haproxy.stdout?.on('data', (chunk: Buffer) => (haproxyOutput += chunk.toString()));
  haproxy.stderr?.on('data', (chunk: Buffer) => (haproxyOutput += chunk.toString()));
  try {
    for (const port of Object.values(ports)) await waitUntilListening(port, haproxy, 5_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${haproxyOutput}`);
  }
});

afterAll(async () => {
  if (haproxy && haproxy.exitCode === null) {
    const exited = new Promise((resolve) => haproxy.once('exit', resolve));
    haproxy.kill('SIGTERM');
    await exited;
  }
  await echo?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const request = (lines: string[] = []) =>
  `GET /through-haproxy HTTP/1.1\r\nHost: shop.example.com\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;

describe('echo behind real HAProxy', () => {
  it('send-proxy: the echo reads a PROXY v1 header with the client address and port', async () => {
    const response = await exchange(ports.v1, { chunks: [request()] });
    const report = JSON.parse(response.body) as EchoReport;
    expect(report.peer.address).toBe('127.0.0.1');
    expect(report.proxyProtocol).toEqual({
      version: 1,
      command: 'PROXY',
      family: 'TCP4',
      src: '127.0.0.1',
      dst: '127.0.0.1',
      srcPort: response.localPort,
      dstPort: ports.v1,
      tlvs: [],
    });
    expect(report.request.path).toBe('/through-haproxy');
  });

  it('send-proxy-v2: the echo reads a PROXY v2 header with the UNIQUE_ID TLV', async () => {
    const response = await exchange(ports.v2, { chunks: [request()] });
    const observation = parseEchoResponse(response.body, 'application/json');
    expect(observation?.proxyProtocol).toMatchObject({
      version: 2,
      command: 'PROXY',
      family: 'TCP4',
      src: '127.0.0.1',
      srcPort: response.localPort,
      dstPort: ports.v2,
      tlvs: [{ type: 0x05, name: 'UNIQUE_ID', value: `hopscope-127.0.0.1-${response.localPort}` }],
    });
  });

  it('mode http + option forwardfor: HAProxy appends its own X-Forwarded-For line after the client one', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port: ports.http, path: '/xff', headers: { 'X-Forwarded-For': '1.2.3.4', Accept: 'application/json' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
          },
        )
        .on('error', reject);
    });
    const observation = parseEchoResponse(body, 'application/json');
    expect(observation).toMatchObject({ format: 'hopscope', peer: '127.0.0.1', proxyProtocol: null, echoPod: 'echo-haproxy' });
    // A client-sent line survives; the last line is the one the trusted LB added (docs/lab.md#row-18).
    expect(observation?.xForwardedFor).toEqual(['1.2.3.4', '127.0.0.1']);
  });
});
