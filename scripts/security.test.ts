// The attacks a security review ran against the built server, replayed against the built server (demo mode, on
// loopback): each must now fail to do harm. Refusals come from proxy.ts (rules in lib/http/guard.ts).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '@/lib/types';
import { residentBytes, startBuiltServer, type BuiltServer } from '@/test/support/built-server';

let server: BuiltServer;

beforeAll(async () => {
  server = await startBuiltServer({ HOPSCOPE_DEMO: '1' });
});

afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request, so the Host header and the body's framing are ours to choose (fetch would fix them). */
function send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, method, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const errorCode = (answer: Answer) => (JSON.parse(answer.body) as ApiErrorBody).error.code;
const lastTraceId = async () => ((JSON.parse((await send('GET', '/api/v1/traces', {})).body) as { trace: { id: string } | null }).trace?.id ?? null);

describe('DNS rebinding', () => {
  it.each(['/api/v1/cluster', '/api/v1/contexts', '/api/v1/traces', '/'])('a foreign Host gets 421 on %s', async (path) => {
    const answer = await send('GET', path, { host: `rebind.attacker.example.net:${server.port}` });
    expect(answer.status).toBe(421);
    expect(errorCode(answer)).toBe('host_not_allowed');
    expect(answer.body).not.toContain('nodes');
  });

  it.each([`localhost:${0}`, '127.0.0.1', '[::1]'])('%s is served', async (host) => {
    const answer = await send('GET', '/api/v1/cluster', { host: host.replace(':0', `:${server.port}`) });
    expect(answer.status).toBe(200);
  });

  it('health, readiness and metrics answer the kubelet and Prometheus by any name', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await send('GET', path, { host: 'hopscope.hopscope.svc:80' })).status).toBe(200);
    }
  });
});

describe('cross-site actions', () => {
  it.each([
    ['a no-cors text/plain POST', { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://attacker.example.net', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }, 403],
    ['a form post', { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' }, 403],
    ['a JSON POST from another origin', { 'content-type': 'application/json', origin: 'https://attacker.example.net' }, 403],
    ['a text/plain POST without fetch metadata', { 'content-type': 'text/plain' }, 415],
  ])('%s cannot start a trace', async (_label, headers, status) => {
    const before = await lastTraceId();
    const answer = await send('POST', '/api/v1/traces', headers, '{}');
    expect(answer.status).toBe(status);
    expect(await lastTraceId()).toBe(before);
  });

  it('a cross-site POST cannot create a snapshot', async () => {
    const answer = await send('POST', '/api/v1/snapshots', { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' }, '{}');
    expect(answer.status).toBe(403);
    const list = JSON.parse((await send('GET', '/api/v1/snapshots', {})).body) as { snapshots: unknown[] };
    expect(list.snapshots).toEqual([]);
  });

  it('the page itself still starts traces', async () => {
    const answer = await send('POST', '/api/v1/traces', { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, '{}');
    expect(answer.status).toBe(200);
    expect(answer.body.trim().split('\n').at(-1)).toContain('"type":"done"');
  });
});

describe('response headers', () => {
  it.each(['/', '/cluster', '/s/import', '/no-such-page'])('%s cannot be framed, sniffed or leak its URL, and runs only its own nonce scripts', async (page) => {
    const answer = await send('GET', page, {});
    expect(answer.status).toBe(page === '/no-such-page' ? 404 : 200);
    const csp = String(answer.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    const scripts = [...answer.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A fresh nonce per answer.
    expect(String((await send('GET', page, {})).headers['content-security-policy'])).not.toContain(nonce!);
  });

  it.each(['/api/v1/paths', '/api/v1/cluster', '/api/v1/traces'])('%s is private and never cached', async (path) => {
    const answer = await send('GET', path, {});
    expect(String(answer.headers['cache-control'])).toMatch(/no-store/);
    expect(String(answer.headers['cache-control'])).toMatch(/private/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('unknown API paths answer in the JSON envelope', async () => {
    const answer = await send('GET', '/api/v1/nothing-here', {});
    expect(answer.status).toBe(404);
    expect(String(answer.headers['content-type'])).toMatch(/^application\/json/);
    expect(errorCode(answer)).toBe('not_found');
  });
});

describe('bounded bodies', () => {
  /** Streams `total` bytes without a Content-Length; resolves with the answer as soon as the server gives one. */
  function stream(path: string, total: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: server.port, method: 'POST', path, headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on('error', (err) => (request.destroyed ? undefined : reject(err)));
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < total && !request.destroyed) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        if (!request.destroyed) request.end();
      };
      pump();
    });
  }

  it('a declared 100 MB body is refused with 413 before it is sent', async () => {
    // Only the headers go out: the answer must not wait for the 100 MB.
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/v1/traces', headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on('error', (err) => (request.destroyed ? undefined : reject(err)));
      request.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it('five streamed 100 MB bodies at once get 413 without the server growing', async () => {
    const before = await residentBytes(server.baseUrl);
    const statuses = await Promise.all(['/api/v1/traces', '/api/v1/snapshots', '/api/v1/snapshots/import', '/api/v1/traces', '/api/v1/snapshots'].map((p) => stream(p, 100 * 1024 * 1024)));
    expect(statuses).toEqual([413, 413, 413, 413, 413]);
    const after = await residentBytes(server.baseUrl);
    // Five buffered bodies would be 500 MB; allow ordinary heap noise.
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('concurrent shares', () => {
  it('200 concurrent shares all answer 201 and are all listed', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => send('POST', '/api/v1/snapshots', { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, '{}')),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    const ids = answers.map((a) => (JSON.parse(a.body) as { id: string }).id);
    const listed = new Set((JSON.parse((await send('GET', '/api/v1/snapshots', {})).body) as { snapshots: { id: string }[] }).snapshots.map((s) => s.id));
    for (const id of ids) expect(listed.has(id)).toBe(true);
  });
});
