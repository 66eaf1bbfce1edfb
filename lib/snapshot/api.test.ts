import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiErrorBody } from '@/lib/types';
import { SAMPLE_ADDRESSES, sampleSnapshot } from '@/test/support/samples';
import { MAX_SNAPSHOT_BYTES } from './limits';
import type { Snapshot } from './schema';

// The route handlers, called as Next calls them, over the real file store and the built-in "lab" demo scenario.

// Hoisted above the imports: the samples module runs the model at import time, which reads the configuration once.
const dataDir = await vi.hoisted(async () => {
  const [{ mkdtempSync: mkdtemp }, { tmpdir: tmp }, { join }] = await Promise.all([import('node:fs'), import('node:os'), import('node:path')]);
  const dir = mkdtemp(join(tmp(), 'hopscope-api-'));
  vi.stubEnv('HOPSCOPE_DATA_DIR', dir);
  vi.stubEnv('HOPSCOPE_SNAPSHOT_STORE', 'file');
  vi.stubEnv('HOPSCOPE_DEMO', '1');
  vi.stubEnv('HOPSCOPE_DEMO_SCENARIO', 'lab');
  vi.stubEnv('HOPSCOPE_PUBLIC_URL', undefined);
  return dir;
});

type Routes = {
  collection: typeof import('@/app/api/v1/snapshots/route');
  item: typeof import('@/app/api/v1/snapshots/[id]/route');
  importing: typeof import('@/app/api/v1/snapshots/import/route');
};
let routes: Routes;

beforeAll(async () => {
  routes = {
    collection: await import('@/app/api/v1/snapshots/route'),
    item: await import('@/app/api/v1/snapshots/[id]/route'),
    importing: await import('@/app/api/v1/snapshots/import/route'),
  };
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

const ORIGIN = 'http://localhost:3000';
const params = (id: string) => ({ params: Promise.resolve({ id }) });

function share(body: unknown) {
  return routes.collection.POST(
    new Request(`${ORIGIN}/api/v1/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

function importBody(body: string, headers: Record<string, string> = {}) {
  return routes.importing.POST(
    new Request(`${ORIGIN}/api/v1/snapshots/import`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
  );
}

async function getSnapshot(id: string) {
  return routes.item.GET(new Request(`${ORIGIN}/api/v1/snapshots/${encodeURIComponent(id)}`), params(id));
}

/** Every IPv4 address in an unredacted snapshot of the lab scenario (0.0.0.0 is kept readable on purpose). */
async function labAddresses(): Promise<string[]> {
  const { id } = (await (await share({})).json()) as { id: string };
  const text = await (await getSnapshot(id)).text();
  return [...new Set(text.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g))].filter((a) => a !== '0.0.0.0');
}

async function errorOf(response: Response): Promise<ApiErrorBody['error']> {
  const body = (await response.json()) as ApiErrorBody;
  return body.error;
}

describe('POST /api/v1/snapshots', () => {
  it('freezes the current state with {} and answers {id, url} on the request origin', async () => {
    const response = await share({});
    expect(response.status).toBe(201);
    const { id, url } = (await response.json()) as { id: string; url: string };
    expect(url).toBe(`${ORIGIN}/s/${id}`);
    const snapshot = (await (await getSnapshot(id)).json()) as Snapshot;
    expect(snapshot).toMatchObject({ id, schemaVersion: 1, sourceMode: 'demo', context: 'demo/lab', redacted: false, entry: null });
    expect(snapshot.paths.length).toBeGreaterThan(0);
    expect(snapshot.inventory.nodes.length).toBeGreaterThan(0);
  });

  it('keeps the selected entry and refuses a path id the source does not have', async () => {
    const first = (await (await getSnapshot(((await (await share({ scenario: 'lab' })).json()) as { id: string }).id)).json()) as Snapshot;
    const entry = first.paths[0]!.id;
    const { id } = (await (await share({ scenario: 'lab', entry })).json()) as { id: string };
    expect(((await (await getSnapshot(id)).json()) as Snapshot).entry).toBe(entry);

    const refused = await share({ scenario: 'lab', entry: 'nodePort:nowhere/none:1' });
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toMatch(/not a path of this source/);
  });

  it('redacts every address of the lab when asked', async () => {
    const addresses = await labAddresses();
    expect(addresses.length).toBeGreaterThan(5);
    const { id } = (await (await share({ redact: true })).json()) as { id: string };
    const redacted = await (await getSnapshot(id)).text();
    for (const address of addresses) expect(redacted).not.toContain(address);
    expect(JSON.parse(redacted)).toMatchObject({ redacted: true });
  });

  it.each([
    ['a mistyped option', { redacted: true }, /unrecognized key/i],
    ['a non-boolean redact', { redact: 'yes' }, /redact/],
    ['a malformed scenario id', { scenario: '../etc' }, /scenario/],
    ['a body that is not JSON', '{"redact": tr', /not valid JSON/],
  ])('refuses %s with 400', async (_label, body, message) => {
    const response = await share(body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('bad_request');
    expect(error.message).toMatch(message);
  });

  it('lands 50 concurrent shares, each readable and listed', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => share({})));
    expect(responses.map((r) => r.status)).toEqual(new Array(50).fill(201));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(new Set(ids).size).toBe(50);
    const listed = (await (await routes.collection.GET(new Request(`${ORIGIN}/api/v1/snapshots`))).json()) as {
      snapshots: { id: string }[];
    };
    const listedIds = new Set(listed.snapshots.map((s) => s.id));
    for (const id of ids) expect(listedIds.has(id)).toBe(true);
    const reads = await Promise.all(ids.map(getSnapshot));
    expect(reads.map((r) => r.status)).toEqual(new Array(50).fill(200));
  });
});

describe('GET /api/v1/snapshots', () => {
  it('lists newest first with id, createdAt, context, redacted, entry and url', async () => {
    const { id } = (await (await share({ redact: true })).json()) as { id: string };
    const { snapshots } = (await (await routes.collection.GET(new Request(`${ORIGIN}/api/v1/snapshots`))).json()) as {
      snapshots: Record<string, unknown>[];
    };
    expect(snapshots[0]).toMatchObject({ id, context: 'demo/lab', redacted: true, entry: null, url: `${ORIGIN}/s/${id}` });
    expect(typeof snapshots[0]!.createdAt).toBe('string');
    const times = snapshots.map((s) => Date.parse(s.storedAt as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe('GET and DELETE /api/v1/snapshots/{id}', () => {
  it.each([
    ['an unknown id', 'AAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a malformed id', 'not-an-id'],
    ['a traversal attempt', '../../etc/passwd'],
  ])('answer 404 JSON for %s', async (_label, id) => {
    for (const response of [
      await getSnapshot(id),
      await routes.item.DELETE(new Request(`${ORIGIN}/api/v1/snapshots/x`, { method: 'DELETE' }), params(id)),
    ]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect((await errorOf(response)).code).toBe('not_found');
    }
  });

  it('offers the JSON as a download and deletes it', async () => {
    const { id } = (await (await share({})).json()) as { id: string };
    const download = await routes.item.GET(new Request(`${ORIGIN}/api/v1/snapshots/${id}?download=1`), params(id));
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="hopscope-snapshot-${id}.json"`);
    const deleted = await routes.item.DELETE(new Request(`${ORIGIN}/api/v1/snapshots/${id}`, { method: 'DELETE' }), params(id));
    expect(await deleted.json()).toEqual({ id, deleted: true });
    expect((await getSnapshot(id)).status).toBe(404);
  });
});

describe('POST /api/v1/snapshots/import', () => {
  it('stores a valid exported file under a new id with the same content', async () => {
    const exported = sampleSnapshot();
    const response = await importBody(JSON.stringify(exported));
    expect(response.status).toBe(201);
    const { id, url } = (await response.json()) as { id: string; url: string };
    expect(id).not.toBe(exported.id);
    expect(url).toBe(`${ORIGIN}/s/${id}`);
    const stored = (await (await getSnapshot(id)).json()) as Snapshot;
    const { id: _a, storedAt: _b, imported, ...content } = stored;
    const { id: _c, storedAt: _d, ...original } = exported;
    expect(content).toEqual(original);
    expect(imported).toEqual({ at: stored.storedAt, originalId: exported.id });
  });

  it('marks an import in the API whatever the file says, and a snapshot it froze itself never', async () => {
    const forged = { ...sampleSnapshot(), imported: undefined };
    const { id } = (await (await importBody(JSON.stringify(forged))).json()) as { id: string };
    expect(((await (await getSnapshot(id)).json()) as Snapshot).imported).toMatchObject({ originalId: forged.id });

    const claimed = sampleSnapshot({ imported: { at: '2020-01-01T00:00:00.000Z', originalId: 'AAAAAAAAAAAAAAAAAAAAAAAA' } });
    const again = (await (await importBody(JSON.stringify(claimed))).json()) as { id: string };
    const stored = (await (await getSnapshot(again.id)).json()) as Snapshot;
    expect(stored.imported).toEqual({ at: stored.storedAt, originalId: claimed.id });

    const shared = (await (await share({})).json()) as { id: string };
    expect(await (await getSnapshot(shared.id)).json()).not.toHaveProperty('imported');

    const listed = (await (await routes.collection.GET(new Request(`${ORIGIN}/api/v1/snapshots`))).json()) as { snapshots: Snapshot[] };
    expect(listed.snapshots.find((s) => s.id === again.id)?.imported).toEqual(stored.imported);
    expect(listed.snapshots.find((s) => s.id === shared.id)).not.toHaveProperty('imported');
  });

  it('redacts a file that claims to be redacted but is not', async () => {
    const claim = sampleSnapshot({ redacted: true });
    const { id, redacted } = (await (await importBody(JSON.stringify(claim))).json()) as { id: string; redacted: boolean };
    expect(redacted).toBe(true);
    const text = await (await getSnapshot(id)).text();
    for (const address of SAMPLE_ADDRESSES) expect(text).not.toContain(address);
  });

  const valid = JSON.stringify(sampleSnapshot());
  it.each([
    ['an empty body', 400, '', /empty/],
    ['a truncated file', 400, valid.slice(0, valid.length / 2), /not valid JSON \(truncated/],
    ['a JSON array', 422, '[]', /expected a JSON object/],
    ['another schema version', 422, JSON.stringify({ ...sampleSnapshot(), schemaVersion: 2 }), /unsupported snapshot schemaVersion 2/],
    ['a file without schemaVersion', 422, '{"paths":[]}', /unsupported snapshot schemaVersion null/],
    [
      'a snapshot with a broken hop',
      422,
      JSON.stringify({ ...sampleSnapshot(), paths: [{ ...sampleSnapshot().paths[0], verdict: 'fine' }] }),
      /paths\.0\.verdict/,
    ],
  ])('refuses %s with %i and a clear message', async (_label, status, body, message) => {
    const response = await importBody(body);
    expect(response.status).toBe(status);
    const error = await errorOf(response);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/Export JSON/);
  });

  it('refuses an oversized file with 413, by Content-Length and while streaming', async () => {
    const oversized = JSON.stringify(sampleSnapshot({ whatIf: ['x'.repeat(MAX_SNAPSHOT_BYTES)] }));
    const declared = await importBody(oversized);
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toMatchObject({ code: 'snapshot_too_large', message: expect.stringMatching(/limit is 8\.00 MiB/) });

    const encoder = new TextEncoder();
    const chunks = [oversized.slice(0, 4_000_000), oversized.slice(4_000_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    });
    const streamed = await routes.importing.POST(
      new Request(`${ORIGIN}/api/v1/snapshots/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit),
    );
    expect(streamed.status).toBe(413);
  });

  it('keeps a redacted snapshot redacted through export and import', async () => {
    const { id } = (await (await share({ redact: true })).json()) as { id: string };
    const exported = await (await getSnapshot(id)).text();
    const imported = (await (await importBody(exported)).json()) as { id: string };
    const text = await (await getSnapshot(imported.id)).text();
    expect(JSON.parse(text)).toMatchObject({ redacted: true });
    for (const address of await labAddresses()) expect(text).not.toContain(address);
  });
});
