import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { HopscopeError } from '../errors';
import { getInventory, type InventoryOptions } from './inventory';

// The single-flight inventory cache, counted at the fixture API server: callers for the same source share one
// discovery while it runs, a finished one is handed out again for inventoryTtlMs, and failures are never kept.

const scenario = path.join(import.meta.dirname, '..', '..', 'scenarios', 'bare-metal-metallb.yaml');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (a busy machine pages slower), failing after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 10_000) {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`not so within ${timeoutMs} ms`);
    await sleep(10);
  }
}

let server: FixtureApiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function fixture(): Promise<FixtureApiServer> {
  server = await startFixtureApiServer({ scenarioFile: scenario });
  return server;
}

const inventoryOf = (s: FixtureApiServer, extra: Partial<InventoryOptions> = {}) =>
  getInventory({ kubeconfigPath: s.kubeconfigPath, inCluster: false, forceDemo: false, timeoutMs: 5_000, ...extra });

/** Discoveries the server has seen: every discovery lists nodes exactly once (they fit in one page). */
const discoveries = (s: FixtureApiServer) => s.resourceRequestCounts().find((r) => r.verb === 'list' && r.resource === 'nodes')?.count ?? 0;
/** Pages of pods listed so far. */
const podPages = (s: FixtureApiServer) => s.resourceRequestCounts().find((r) => r.verb === 'list' && r.resource === 'pods')?.count ?? 0;

describe('concurrent callers', () => {
  it('share one discovery: one set of LISTs, one inventory object', async () => {
    const s = await fixture();
    // Slow answers, so every caller arrives while the first discovery is under way.
    s.setDelay(200);
    const all = await Promise.all(Array.from({ length: 8 }, () => inventoryOf(s, { inventoryTtlMs: 0 })));
    expect(discoveries(s)).toBe(1);
    expect(new Set(all).size).toBe(1);
    expect(all[0]!.errors).toEqual([]);
    // Every call of the discovery came once.
    for (const request of s.resourceRequestCounts()) expect(request.count, `${request.verb} ${request.resource}`).toBe(1);
  });

  it('for different sources (another credential, other bounds) do not share', async () => {
    const s = await fixture();
    s.setDelay(100);
    const [a, b, c] = await Promise.all([
      inventoryOf(s, { inventoryTtlMs: 0 }),
      inventoryOf(s, { inventoryTtlMs: 0, limits: { maxItems: 1_000 } }),
      inventoryOf(s, { inventoryTtlMs: 0, kubeconfigPath: s.writeKubeconfig(`${s.kubeconfigPath}.other`, { token: 'not-the-token' }) }),
    ]);
    // The server counts what passed authentication: the two with the right token; the third was rejected on its own.
    expect(discoveries(s)).toBe(2);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    expect(c.errors.length).toBeGreaterThan(0);
    for (const error of c.errors) expect(error.status).toBe(401);
  });

  it('one caller that leaves does not stop the discovery of the others; when the last leaves it stops', async () => {
    const s = await fixture();
    s.setMisbehaviour({ endlessContinue: true, pageDelayMs: 20, resources: ['pods'] });
    const limits = { maxPages: 40 };
    const first = new AbortController();
    const second = new AbortController();
    const leaving = inventoryOf(s, { inventoryTtlMs: 0, limits, signal: first.signal }).catch((e: unknown) => e);
    const staying = inventoryOf(s, { inventoryTtlMs: 0, limits, signal: second.signal });
    await until(() => podPages(s) > 2);
    first.abort();
    expect(await leaving).toMatchObject({ name: 'AbortError' });
    // The one that stayed gets the whole discovery, paged to its bound.
    const inv = await staying;
    expect(podPages(s)).toBe(40);
    expect(inv.errors.map((e) => [e.resource, e.reason])).toEqual([['pods', 'truncated']]);
    expect(discoveries(s)).toBe(1);

    // Both leave: the discovery stops paging at once.
    const third = new AbortController();
    const fourth = new AbortController();
    const gone = [third, fourth].map((c) => inventoryOf(s, { inventoryTtlMs: 0, limits, signal: c.signal }).catch((e: unknown) => e));
    await until(() => podPages(s) > 40 + 2);
    third.abort();
    fourth.abort();
    expect(await Promise.all(gone)).toEqual([expect.objectContaining({ name: 'AbortError' }), expect.objectContaining({ name: 'AbortError' })]);
    const after = podPages(s);
    await sleep(300);
    expect(podPages(s)).toBeLessThanOrEqual(after + 1);
    // The second discovery never got to its 40 pages.
    expect(podPages(s)).toBeLessThan(40 + 40);
  });
});

describe('a finished discovery', () => {
  it('is reused for inventoryTtlMs, then discovered afresh', async () => {
    const s = await fixture();
    const first = await inventoryOf(s, { inventoryTtlMs: 400 });
    expect(await inventoryOf(s, { inventoryTtlMs: 400 })).toBe(first);
    expect(discoveries(s)).toBe(1);
    await sleep(500);
    const later = await inventoryOf(s, { inventoryTtlMs: 400 });
    expect(later).not.toBe(first);
    expect(discoveries(s)).toBe(2);
  });

  it('is not reused with a TTL of 0', async () => {
    const s = await fixture();
    const first = await inventoryOf(s, { inventoryTtlMs: 0 });
    const second = await inventoryOf(s, { inventoryTtlMs: 0 });
    expect(second).not.toBe(first);
    expect(discoveries(s)).toBe(2);
  });

  it('that failed is never kept: the next caller discovers again', async () => {
    const s = await fixture();
    // Same source both times (the timeout is part of it): silent first, answering then.
    s.setDelay(5_000);
    await expect(inventoryOf(s, { inventoryTtlMs: 60_000, timeoutMs: 1_500 })).rejects.toBeInstanceOf(HopscopeError);
    s.setDelay(0);
    const inv = await inventoryOf(s, { inventoryTtlMs: 60_000, timeoutMs: 1_500 });
    expect(inv.errors).toEqual([]);
  });
});

describe('demo mode', () => {
  it('is built afresh every time, without a cache', async () => {
    const a = await getInventory({ scenario: 'gke-local' });
    const b = await getInventory({ scenario: 'gke-local' });
    expect(a).not.toBe(b);
    expect(a.nodes).toEqual(b.nodes);
  });
});
