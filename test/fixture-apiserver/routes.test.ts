import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ClusterInventory, PathsResponse } from '@/lib/types';
import { startFixtureApiServer, type FixtureApiServer } from './server';

// The route handlers of /api/v1/cluster, /api/v1/paths, /api/v1/contexts and /readyz, called with real Requests, reading
// the configuration from the environment exactly as the server does, against the fixture API server.

const scenario = path.join(import.meta.dirname, '..', '..', 'scenarios', 'bare-metal-metallb.yaml');
const ENV_KEYS = ['KUBECONFIG', 'HOPSCOPE_DEMO', 'HOPSCOPE_K8S_TIMEOUT_MS', 'HOPSCOPE_INVENTORY_TTL_MS', 'KUBERNETES_SERVICE_HOST'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cluster routes', () => {
  let server: FixtureApiServer;
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  let routes: {
    cluster: (r: Request) => Promise<Response>;
    paths: (r: Request) => Promise<Response>;
    contexts: (r: Request) => Promise<Response>;
    readyz: (r: Request) => Promise<Response>;
  };

  beforeAll(async () => {
    server = await startFixtureApiServer({ scenarioFile: scenario, contextName: 'fixture' });
    process.env.KUBECONFIG = server.kubeconfigPath;
    // Long enough for every answered call on a busy machine; the silent-apiserver tests delay well beyond it.
    process.env.HOPSCOPE_K8S_TIMEOUT_MS = '3000';
    // Every call discovers afresh: a test that changes the apiserver must not get the inventory of the one before.
    process.env.HOPSCOPE_INVENTORY_TTL_MS = '0';
    delete process.env.HOPSCOPE_DEMO;
    delete process.env.KUBERNETES_SERVICE_HOST;
    // Imported after the environment is set: lib/config reads it once.
    const [cluster, paths, contexts, readyz] = await Promise.all([
      import('@/app/api/v1/cluster/route'),
      import('@/app/api/v1/paths/route'),
      import('@/app/api/v1/contexts/route'),
      import('@/app/readyz/route'),
    ]);
    routes = { cluster: cluster.GET, paths: paths.GET, contexts: contexts.GET, readyz: readyz.GET };
  });
  afterAll(async () => {
    await server.close();
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  const call = async (handler: (r: Request) => Promise<Response>, url: string) => {
    const response = await handler(new Request(`http://localhost${url}`));
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('GET /api/v1/cluster returns the live inventory with the public field names', async () => {
    const { status, body } = await call(routes.cluster, '/api/v1/cluster');
    expect(status).toBe(200);
    const inv = body as ClusterInventory;
    expect(inv.source).toEqual({ mode: 'kubeconfig', context: 'fixture', server: server.url });
    expect(inv.kubeProxy.mode).toBe('iptables');
    expect(inv.nodes[0]).toEqual(expect.objectContaining({ name: 'cp-1', internalIP: '192.0.2.10', externalIP: null, ready: true, roles: ['control-plane'] }));
    expect(inv.loadBalancers[0]).toEqual(expect.objectContaining({ provider: 'metallb', pools: expect.any(Array) }));
    const svc = inv.services.find((s) => s.name === 'ingress-nginx-controller')!;
    for (const key of ['namespace', 'name', 'type', 'clusterIP', 'externalTrafficPolicy', 'healthCheckNodePort', 'loadBalancerIPs', 'announcingNode', 'ports', 'endpoints']) {
      expect(svc).toHaveProperty(key);
    }
    const ingress = inv.ingresses.find((i) => i.name === 'shop')!;
    expect(Object.keys(ingress.controller!.settings)).toEqual(
      expect.arrayContaining(['useForwardedHeaders', 'useProxyProtocol', 'computeFullForwardedFor', 'trustedCIDRs']),
    );
    expect(inv.errors).toEqual([]);
  });

  it.each([
    ['?scenario=gke-local', 200, null],
    ['?scenario=Not_Valid', 400, 'bad_request'],
    ['?scenario=no-such-scenario', 404, 'unknown_scenario'],
    ['?context=missing', 404, 'unknown_context'],
  ])('GET /api/v1/cluster%s → %i', async (query, status, code) => {
    const answer = await call(routes.cluster, `/api/v1/cluster${query}`);
    expect(answer.status).toBe(status);
    if (code) expect((answer.body as ApiErrorBody).error.code).toBe(code);
    else expect((answer.body as ClusterInventory).source).toMatchObject({ mode: 'demo', scenario: 'gke-local' });
  });

  it('GET /api/v1/paths filters by namespace, entry kind, verdict and text, and says how many paths there are', async () => {
    const all = (await call(routes.paths, '/api/v1/paths')).body as PathsResponse;
    expect(all.paths.length).toBe(all.total);
    const pick = all.paths.find((p) => p.entry.kind === 'nodePort' && p.entry.namespace)!;
    const query = new URLSearchParams({ namespace: pick.entry.namespace!, kind: 'nodePort', verdict: pick.verdict, q: pick.entry.name });
    const { status, body } = await call(routes.paths, `/api/v1/paths?${query}`);
    expect(status).toBe(200);
    const filtered = body as PathsResponse;
    expect(filtered.total).toBe(all.total);
    expect(filtered.paths.map((p) => p.id)).toContain(pick.id);
    expect(filtered.paths.length).toBeLessThan(all.paths.length);
    for (const path of filtered.paths) {
      expect(path).toMatchObject({ entry: { namespace: pick.entry.namespace, kind: 'nodePort' }, verdict: pick.verdict });
    }
    // Same ids as unfiltered: a filtered answer is a subset, not a renumbering.
    expect(filtered.paths).toEqual(all.paths.filter((p) => filtered.paths.some((f) => f.id === p.id)));
  });

  // issue-level check of the demo scenarios for rules that had none (docs/domain.md#s6.4, #s6.5, #s2.11): the public
  // answer gives the documented verdict and a finding whose fix names the setting to change.
  it.each([
    ['eks-alb-nlb', 'kind=ingress&q=reports', 'unreachable', 'cloud-l7-needs-nodeport', 'alb.ingress.kubernetes.io/target-type=ip'],
    ['eks-alb-nlb', 'kind=ingress&q=api', 'header', 'cloud-l7-client-in-header', null],
    ['bare-metal-hostnetwork', 'kind=externalIP&q=gateway', 'lost', 'snat-cluster-policy', 'externalTrafficPolicy'],
    ['bare-metal-hostnetwork', 'kind=ingress&q=wiki', 'header', null, null],
  ] as const)('GET /api/v1/paths?scenario=%s&%s → %s with %s', async (scenario, filter, verdict, code, fix) => {
    const { status, body } = await call(routes.paths, `/api/v1/paths?scenario=${scenario}&${filter}`);
    expect(status).toBe(200);
    const answer = body as PathsResponse;
    expect(answer.paths.length).toBeGreaterThan(0);
    for (const p of answer.paths) {
      expect(p.verdict, p.id).toBe(verdict);
      if (!code) continue;
      const finding = p.findings.find((f) => f.code === code);
      expect(finding, p.id).toBeDefined();
      if (fix) expect(finding!.fix).toContain(fix);
    }
  });

  it.each([
    ['?kind=router', 'kind'],
    ['?verdict=fine', 'verdict'],
    ['?namespace=', 'namespace'],
  ])('GET /api/v1/paths%s is a 400 naming the parameter', async (query, parameter) => {
    const { status, body } = await call(routes.paths, `/api/v1/paths${query}`);
    expect(status).toBe(400);
    expect((body as ApiErrorBody).error).toMatchObject({ code: 'bad_request', message: expect.stringContaining(parameter) });
  });

  it('GET /api/v1/contexts lists contexts and never credentials', async () => {
    const { status, body } = await call(routes.contexts, '/api/v1/contexts');
    expect(status).toBe(200);
    expect(body).toEqual({ mode: 'kubeconfig', current: 'fixture', contexts: [{ name: 'fixture', cluster: 'fixture', server: server.url }] });
    expect(JSON.stringify(body)).not.toContain(server.token);
  });

  it('GET /readyz is 200 while the apiserver answers and 503 with the error envelope when it does not', async () => {
    expect(await call(routes.readyz, '/readyz')).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ok', mode: 'kubeconfig', context: 'fixture', version: expect.stringMatching(/^v1\./) }),
    });
    server.setDelay(6_000);
    try {
      const answer = await call(routes.readyz, '/readyz');
      expect(answer.status).toBe(503);
      expect((answer.body as ApiErrorBody).error).toMatchObject({ code: 'cluster_unreachable', hint: expect.stringContaining(server.url) });
    } finally {
      server.setDelay(0);
    }
    expect((await call(routes.readyz, '/readyz?scenario=gke-local')).body).toMatchObject({ status: 'ok', mode: 'demo' });
  });

  it('GET /api/v1/cluster while the apiserver is silent → 503 cluster_unreachable', async () => {
    server.setDelay(6_000);
    try {
      const answer = await call(routes.cluster, '/api/v1/cluster');
      expect(answer.status).toBe(503);
      expect((answer.body as ApiErrorBody).error.code).toBe('cluster_unreachable');
    } finally {
      server.setDelay(0);
    }
  });

  it('GET /api/v1/cluster: a client that goes away stops the discovery (request.signal)', async () => {
    const podPages = () => server.resourceRequestCounts().find((r) => r.verb === 'list' && r.resource === 'pods')?.count ?? 0;
    const before = podPages();
    server.setMisbehaviour({ endlessContinue: true, pageDelayMs: 20, resources: ['pods'] });
    try {
      const client = new AbortController();
      const answering = routes.cluster(new Request('http://localhost/api/v1/cluster', { signal: client.signal }));
      for (const end = performance.now() + 10_000; podPages() - before <= 2 && performance.now() < end; ) await sleep(10);
      expect(podPages() - before).toBeGreaterThan(2);
      client.abort();
      const aborted = performance.now();
      await answering;
      expect(performance.now() - aborted).toBeLessThan(500);
      const after = podPages();
      await sleep(300);
      // At 20 ms a page (and 400 pages allowed) paging would go on for seconds; at most the page asked for comes.
      expect(podPages()).toBeLessThanOrEqual(after + 1);
    } finally {
      server.setMisbehaviour(null);
    }
  });
});
