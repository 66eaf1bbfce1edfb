import { request } from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureApiServer, type FixtureApiServer } from './server';

// The misbehaviour options: lists that page forever, carry huge bodies or answer slowly, for the tests of
// discovery's bounds (lib/k8s/bounds.test.ts). Everything else keeps behaving.

const scenario = path.join(import.meta.dirname, '..', '..', 'scenarios', 'bare-metal-metallb.yaml');

/** One GET; the body is counted and, when `keep`, kept as JSON. */
function get(server: FixtureApiServer, pathAndQuery: string, keep = true): Promise<{ status: number; bytes: number; body: any; chunked: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${pathAndQuery}`, { ca: server.caPem, headers: { Authorization: `Bearer ${server.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep) chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          body: keep ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null,
          chunked: res.headers['transfer-encoding'] === 'chunked',
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fixture API server misbehaving on purpose', () => {
  let server: FixtureApiServer;
  beforeAll(async () => {
    server = await startFixtureApiServer({ scenarioFile: scenario });
  });
  afterAll(async () => {
    await server.close();
  });

  it('endless continue: every page has a token, full pages of ever new objects, empty lists page emptily', async () => {
    server.setMisbehaviour({ endlessContinue: true });
    try {
      let token = '';
      const names: string[] = [];
      for (let page = 0; page < 5; page++) {
        const { body } = await get(server, `/api/v1/nodes?limit=2${token ? `&continue=${token}` : ''}`);
        expect(body.metadata.continue).toEqual(expect.any(String));
        names.push(...body.items.map((n: { metadata: { name: string } }) => n.metadata.name));
        token = body.metadata.continue;
      }
      // Three nodes, ten items read: the list came round three times and more, each time as new objects.
      expect(names).toEqual(['cp-1', 'wk-a', 'wk-b', 'cp-1-1', 'wk-a-1', 'wk-b-1', 'cp-1-2', 'wk-a-2', 'wk-b-2', 'cp-1-3']);
      // Pages are full whatever the list holds: any number of items made of few objects.
      const full = await get(server, '/api/v1/nodes?limit=5');
      expect(full.body.items).toHaveLength(5);
      const empty = await get(server, '/apis/apps/v1/namespaces/nowhere/daemonsets?limit=5');
      expect(empty.body.items).toEqual([]);
      expect(empty.body.metadata.continue).toEqual(expect.any(String));
      const nodeRequests = server.resourceRequestCounts().find((r) => r.resource === 'nodes' && r.verb === 'list');
      expect(nodeRequests?.count).toBe(6);
    } finally {
      server.setMisbehaviour(null);
    }
    const { body } = await get(server, '/api/v1/nodes?limit=2');
    const last = await get(server, `/api/v1/nodes?limit=2&continue=${body.metadata.continue}`);
    expect(last.body.metadata.continue).toBeUndefined();
  });

  it('padding: a chunked answer of the asked size that is still a valid list, only for the named resources', async () => {
    server.setMisbehaviour({ padBytes: 3 * 1024 * 1024 + 7, resources: ['services'] });
    try {
      const before = server.paddingBytesSent();
      const padded = await get(server, '/api/v1/services');
      expect(padded.chunked).toBe(true);
      expect(padded.bytes).toBeGreaterThan(3 * 1024 * 1024 + 7);
      expect(padded.body.kind).toBe('ServiceList');
      expect(padded.body.items.length).toBeGreaterThan(0);
      expect(padded.body.padding).toHaveLength(3 * 1024 * 1024 + 7);
      expect(server.paddingBytesSent() - before).toBeGreaterThanOrEqual(3 * 1024 * 1024 + 7);
      const plain = await get(server, '/api/v1/nodes');
      expect(plain.chunked).toBe(false);
      expect(plain.body.padding).toBeUndefined();
    } finally {
      server.setMisbehaviour(null);
    }
  });

  it('slow pages: only the misbehaving lists wait', async () => {
    server.setMisbehaviour({ pageDelayMs: 400, resources: ['nodes'] });
    try {
      let started = performance.now();
      await get(server, '/api/v1/nodes');
      expect(performance.now() - started).toBeGreaterThanOrEqual(390);
      started = performance.now();
      await get(server, '/api/v1/services');
      expect(performance.now() - started).toBeLessThan(390);
    } finally {
      server.setMisbehaviour(null);
    }
  });
});
