import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureApiServer, type FixtureApiServer, type Misbehaviour } from '@/test/fixture-apiserver/server';
import type { ManifestObject } from '../demo/manifest';
import { config } from '../config';
import { HopscopeError } from '../errors';
import { resolveKubeTarget } from './client';
import { discoverRawObjects } from './discover';
import { DISCOVERY_CALLS, resourceCall, type DiscoveryCall } from './discovery-calls';
import { getInventory, type InventoryOptions } from './inventory';

// Discovery against an apiserver (or a proxy in front of one) that misbehaves: endless `continue` tokens, huge
// bodies, slow pages, a client that goes away. Every list is bounded in pages, items and bytes, the whole discovery
// in time, and a caller's signal stops the paging. The fixture server on loopback misbehaves on purpose.

const scenario = path.join(import.meta.dirname, '..', '..', 'scenarios', 'bare-metal-metallb.yaml');
const LISTS = Object.values(DISCOVERY_CALLS).filter((c) => c.verb === 'list');
const MB = 1024 * 1024;

let server: FixtureApiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const CILIUM_OBJECTS: ManifestObject[] = [
  { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'lan' }, spec: { blocks: [{ cidr: '198.51.100.192/28' }] } },
  { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumL2AnnouncementPolicy', metadata: { name: 'all' }, spec: { loadBalancerIPs: true } },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'cilium-l2announce-media-jellyfin', namespace: 'kube-system' }, spec: { holderIdentity: 'wk-b' } },
];

async function misbehaving(misbehave: Misbehaviour) {
  // One object in each Cilium list and in kube-system's Leases, so those lists have full pages to misbehave with too;
  // Traefik's CRD groups served (empty) too, so every list of DISCOVERY_CALLS pages.
  server = await startFixtureApiServer({ scenarioFile: scenario, misbehave, objects: CILIUM_OBJECTS, apiGroups: ['traefik.io', 'traefik.containo.us'] });
  return server;
}

const discover = (s: FixtureApiServer, extra: Partial<InventoryOptions> = {}) =>
  getInventory({ kubeconfigPath: s.kubeconfigPath, inCluster: false, forceDemo: false, timeoutMs: 5_000, inventoryTtlMs: 0, ...extra });

/** Pages received of one resource's list (every page counted). */
const pagesOf = (s: FixtureApiServer, plural: string, group?: string) =>
  s
    .resourceRequestCounts()
    .filter((r) => r.verb === 'list' && r.resource === plural && (group === undefined || r.group === group))
    .reduce((sum, r) => sum + r.count, 0);
const allPages = (s: FixtureApiServer) => s.resourceRequestCounts().filter((r) => r.verb === 'list').reduce((sum, r) => sum + r.count, 0);

/** Items per page discovery asks for. */
const PAGE = 500;

/** The bound an endless list of full pages meets first (every item kept), and the pages it takes to get there. */
function firstBound(call: DiscoveryCall, maxPages: number, maxItems: number): { by: 'pages' | 'items'; pages: number } {
  const itemPages = Math.ceil(Math.min(maxItems, call.maxItems ?? Infinity) / PAGE);
  return itemPages <= maxPages ? { by: 'items', pages: itemPages } : { by: 'pages', pages: maxPages };
}

// The heap after a full collection, for "memory returns": gc is exposed to this file only.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Peak RSS growth while `run` runs, sampled every 20 ms. */
async function rssGrowth<T>(run: () => Promise<T>): Promise<{ value: T; growthMB: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, growthMB: (peak - before) / MB };
  } finally {
    clearInterval(sampler);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (a busy machine pages slower), failing after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 10_000) {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`not so within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('an apiserver that always answers a continue token', () => {
  it('stops each list at its first bound with a named truncated error, and keeps what the pages had', async () => {
    const s = await misbehaving({ endlessContinue: true });
    const started = performance.now();
    const inv = await discover(s, { limits: { maxPages: 20 } });
    expect(performance.now() - started).toBeLessThan(15_000);
    // Every list: 20 full pages, or fewer where its own item bound (resources that are few in any cluster) comes
    // first; then a named partial error. The two ConfigMap gets are not lists.
    for (const call of LISTS) {
      const bound = firstBound(call, 20, config().discoveryMaxItems);
      expect(pagesOf(s, call.plural, call.group), call.plural).toBe(bound.pages);
      expect(inv.errors.find((e) => e.resource === resourceCall(call).resource), call.plural).toMatchObject({
        status: 200,
        reason: 'truncated',
        message: expect.stringContaining(bound.by === 'pages' ? 'at the bound of 20 pages' : `at the bound of ${call.maxItems} items`),
        hint: expect.stringContaining(bound.by === 'pages' ? 'HOPSCOPE_DISCOVERY_MAX_PAGES' : 'HOPSCOPE_DISCOVERY_MAX_ITEMS'),
      });
    }
    expect(inv.errors).toHaveLength(LISTS.length);
    // What the pages had is kept and the inventory is still built: 20 pages of 500 new nodes each.
    expect(inv.nodes).toHaveLength(20 * PAGE);
  });

  it('with the default bounds: a bounded number of pages and bounded memory (it paged without end before)', async () => {
    const s = await misbehaving({ endlessContinue: true, resources: ['nodes', 'endpointslices.discovery.k8s.io', 'ingressclasses.networking.k8s.io'] });
    // A first, short discovery loads and compiles everything, so the heap before is that of a warm process.
    await discover(s, { limits: { maxPages: 1 } });
    const warmUp = new Map(LISTS.map((call) => [call.plural, pagesOf(s, call.plural)]));
    const heapBefore = settledHeap();
    // Only a summary outlives the call, so the inventory itself can be collected before the heap is measured again.
    const { inv, growthMB, heapWithInventory } = await rssGrowth(() => discover(s)).then(({ value, growthMB }) => ({
      inv: { nodes: value.nodes.length, errors: value.errors },
      growthMB,
      heapWithInventory: settledHeap() - heapBefore,
    }));
    const { discoveryMaxPages, discoveryMaxItems } = config();
    // Full pages of 500: the item bound (25,000 by default, 100 for IngressClasses) comes first; never more than
    // the page bound.
    const calls = [DISCOVERY_CALLS.nodes, DISCOVERY_CALLS.endpointSlices, DISCOVERY_CALLS.ingressClasses];
    for (const call of calls) {
      const bound = firstBound(call, discoveryMaxPages, discoveryMaxItems);
      expect(bound.by, call.plural).toBe('items');
      expect(pagesOf(s, call.plural) - warmUp.get(call.plural)!, call.plural).toBe(bound.pages);
    }
    expect(inv.nodes).toBe(discoveryMaxItems);
    expect(inv.errors.map((e) => [e.resource, e.reason])).toEqual([
      ['nodes', 'truncated'],
      ['endpointslices.discovery.k8s.io', 'truncated'],
      ['ingressclasses.networking.k8s.io', 'truncated'],
    ]);
    expect(inv.errors[0]!.message).toContain(`at the bound of ${discoveryMaxItems} items`);
    expect(inv.errors[2]!.message).toContain(`at the bound of ${DISCOVERY_CALLS.ingressClasses.maxItems} items`);
    for (const error of inv.errors) expect(error.hint).toContain('HOPSCOPE_DISCOVERY_MAX_ITEMS');
    // 2 × 25,000 objects held, then an inventory of 25,000 nodes: well under the chart's 512 MiB.
    expect(growthMB).toBeLessThan(400);
    const pages = allPages(s);
    await sleep(300);
    expect(allPages(s)).toBe(pages);
    // Once the inventory is dropped nothing of the discovery stays (no cache with a TTL of 0, no open body).
    const heapHeld = settledHeap() - heapBefore;
    console.info(
      `endless continue, default bounds: peak RSS growth ${growthMB.toFixed(0)} MB, heap with the inventory ${(heapWithInventory / MB).toFixed(1)} MB, after it is dropped ${(heapHeld / MB).toFixed(1)} MB`,
    );
    expect(heapWithInventory).toBeGreaterThan(4 * MB);
    expect(heapHeld).toBeLessThan(heapWithInventory / 4);
  });

  it('keeps at most the item bound of one list', async () => {
    const s = await misbehaving({ endlessContinue: true, resources: ['services'] });
    const inv = await discover(s, { limits: { maxItems: 1_200 } });
    expect(inv.services).toHaveLength(1_200);
    expect(pagesOf(s, 'services')).toBe(3);
    expect(inv.errors).toEqual([
      expect.objectContaining({ resource: 'services', reason: 'truncated', message: expect.stringContaining('1200 items') }),
    ]);
  });
});

describe('answers too big to hold', () => {
  it('a 200 MB list body is abandoned at the byte bound while streaming; the rest of discovery is intact', async () => {
    const s = await misbehaving({ padBytes: 200 * MB, resources: ['services'] });
    const limit = config().k8sMaxResponseBytes;
    const heapBefore = settledHeap();
    const started = performance.now();
    const { value: inv, growthMB } = await rssGrowth(() => discover(s));
    const elapsedMs = performance.now() - started;
    expect(inv.errors).toEqual([
      expect.objectContaining({
        resource: 'services',
        status: 200,
        reason: 'too-large',
        message: expect.stringContaining(`exceeded ${limit} bytes`),
        hint: expect.stringContaining('HOPSCOPE_K8S_MAX_RESPONSE_BYTES'),
      }),
    ]);
    expect(inv.services).toEqual([]);
    expect(inv.nodes).toHaveLength(3);
    // The server could write the limit plus what socket buffers hold, not the 200 MB (all of it was read before).
    await sleep(200);
    expect(s.paddingBytesSent()).toBeLessThan(limit + 16 * MB);
    expect(growthMB).toBeLessThan(150);
    const heapHeld = settledHeap() - heapBefore;
    console.info(
      `200 MB body: abandoned after ${(s.paddingBytesSent() / MB).toFixed(1)} MB sent, discovery ${elapsedMs.toFixed(0)} ms, peak RSS growth ${growthMB.toFixed(0)} MB, heap held after gc ${(heapHeld / MB).toFixed(1)} MB`,
    );
    expect(heapHeld).toBeLessThan(16 * MB);
  });

  it('an answer whose Content-Length is over the bound is not read at all', async () => {
    server = await startFixtureApiServer({ scenarioFile: scenario });
    const inv = await discover(server, { limits: { maxResponseBytes: 1_500 } });
    // Nodes are 3 objects but over 1,500 bytes: too large, yet not "unreachable".
    expect(inv.errors.find((e) => e.resource === 'nodes')).toMatchObject({ reason: 'too-large', status: 200 });
    expect(inv.errors.filter((e) => e.reason !== 'too-large')).toEqual([]);
  });
});

describe('the whole discovery has a deadline', () => {
  it('slow endless pages stop at the deadline with a timeout error naming the setting; the pages before are kept', async () => {
    const s = await misbehaving({ endlessContinue: true, pageDelayMs: 100, resources: ['services'] });
    const started = performance.now();
    const inv = await discover(s, { limits: { deadlineMs: 1_500, maxPages: 100_000 } });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(5_000);
    // Only the list that was still paging is cut: the ingress-nginx ConfigMap, read once the pods are known,
    // and every other list were done long before.
    const kept = inv.services.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept % PAGE).toBe(0);
    expect(inv.errors).toEqual([
      {
        resource: 'services',
        status: 0,
        reason: 'timeout',
        message: `discovery did not finish within 1500 ms, during page ${kept / PAGE + 1}; ${kept} items of the ${kept / PAGE} pages before kept`,
        hint: expect.stringContaining('HOPSCOPE_DISCOVERY_DEADLINE_MS'),
      },
    ]);
    expect(s.resourceRequestCounts()).toContainEqual(
      expect.objectContaining({ verb: 'get', resource: 'configmaps', namespace: 'ingress-nginx', name: 'ingress-nginx-controller', count: 1 }),
    );
    // Each page was far below the 5 s per-call bound: only the whole-discovery deadline could stop it. The page cut
    // short was asked for (and counted) but never answered, unless the deadline came between two pages.
    // (Under load the request for the page cut short may reach the server's counter after discovery returned.)
    expect(pagesOf(s, 'services')).toBeLessThanOrEqual(kept / PAGE + 1);
    await sleep(600);
    // Nothing pages on afterwards: at most the page cut short was asked for, never one after it.
    expect([kept / PAGE, kept / PAGE + 1]).toContain(pagesOf(s, 'services'));
    console.info(`slow endless pages: stopped after ${elapsed.toFixed(0)} ms (deadline 1500 ms), ${kept} services kept`);
  });
});

describe("the caller's signal", () => {
  it('a client that goes away stops the paging at once', async () => {
    const s = await misbehaving({ endlessContinue: true, pageDelayMs: 20, resources: ['pods'] });
    const controller = new AbortController();
    const pending = discover(s, { signal: controller.signal, limits: { maxPages: 100_000 } });
    await until(() => pagesOf(s, 'pods') > 2);
    const before = pagesOf(s, 'pods');
    const aborted = performance.now();
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(performance.now() - aborted).toBeLessThan(500);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(HopscopeError);
    const after = pagesOf(s, 'pods');
    await sleep(500);
    // At most the page already asked for; at 20 ms a page, 25 more would have come.
    expect(pagesOf(s, 'pods')).toBeLessThanOrEqual(after + 1);
    expect(after).toBeLessThanOrEqual(before + 1);
  });

  it('a client that goes away while every list still pages gets its abort, not an unreachable apiserver', async () => {
    const s = await misbehaving({ endlessContinue: true, pageDelayMs: 50 });
    const target = resolveKubeTarget({ kubeconfigPath: s.kubeconfigPath, inCluster: false })!;
    const controller = new AbortController();
    const pending = discoverRawObjects(target, 5_000, { signal: controller.signal, limits: { maxPages: 100_000 } });
    // Nodes reach their item bound only after 50 pages: abort while they page.
    await until(() => pagesOf(s, 'nodes') > 1);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(HopscopeError);
  });

  it('an already aborted signal reads nothing', async () => {
    server = await startFixtureApiServer({ scenarioFile: scenario });
    await expect(discover(server, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requestCount()).toBe(0);
  });
});
