import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureApiServer, type FixtureApiServer, type ResourceRequest } from '@/test/fixture-apiserver/server';
import { KubeApi, resolveKubeTarget, type KubeTarget } from './client';
import { discoverRawObjects } from './discover';
import { DISCOVERY_CALLS, type DiscoveryCall } from './discovery-calls';

// DISCOVERY_CALLS is what discovery really sends: a live discovery against the fixture API server, which
// keeps the resource requests it receives, makes every call of the table and no other. The chart's RBAC is
// checked against the same table (chart/chart.test.ts).

const calls: DiscoveryCall[] = Object.values(DISCOVERY_CALLS);
const label = (c: DiscoveryCall | ResourceRequest) => JSON.stringify(c);

/** Unset namespace and name mean every namespace (a list) or the object a reference names (a get). */
function describes(call: DiscoveryCall, request: ResourceRequest): boolean {
  const namespace = call.namespace ?? (call.verb === 'list' ? null : request.namespace);
  return (
    request.verb === call.verb &&
    request.group === call.group &&
    request.version === call.version &&
    request.resource === call.plural &&
    request.namespace === namespace &&
    request.name === (call.name ?? request.name)
  );
}

describe('DISCOVERY_CALLS', () => {
  let server: FixtureApiServer;
  let target: KubeTarget;
  beforeAll(async () => {
    // Every kind of call happens here: MetalLB CRDs, an ingress-nginx controller naming its ConfigMap, kube-system
    // DaemonSets; Cilium's CRD group and Traefik's two IngressRoute groups are served (empty) so their lists answer too.
    server = await startFixtureApiServer({
      scenarioFile: path.join(import.meta.dirname, '..', '..', 'scenarios', 'bare-metal-metallb.yaml'),
      apiGroups: ['cilium.io', 'traefik.io', 'traefik.containo.us'],
    });
    target = resolveKubeTarget({ kubeconfigPath: server.kubeconfigPath, inCluster: false })!;
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists every request discovery sends, and discovery sends every call it lists', async () => {
    const { errors } = await discoverRawObjects(target, 5_000);
    expect(errors).toEqual([]);
    const requests = server.resourceRequests();
    for (const request of requests) expect(calls.some((c) => describes(c, request)), label(request)).toBe(true);
    for (const call of calls) expect(requests.some((r) => describes(call, r)), label(call)).toBe(true);
  });

  it('says which resources are namespaced as the apiserver does', async () => {
    const api = new KubeApi(target, 5_000);
    for (const call of calls) {
      const groupVersion = call.group ? `/apis/${call.group}/${call.version}` : `/api/${call.version}`;
      const { resources } = await api.get<{ resources: { name: string; namespaced: boolean }[] }>(groupVersion);
      expect(resources.find((r) => r.name === call.plural)?.namespaced, label(call)).toBe(call.namespaced);
    }
  });
});
