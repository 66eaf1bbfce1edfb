// A Traefik ipAllowList checks one address (docs/domain.md#s6.2.5, #src-S54): where that is a node or load balancer of
// the path, it blocks every client or lets every client in — and the finding says which, with the fix.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { IngressControllerSettings, TraefikAllowList, TrafficPolicy } from '@/lib/types';
import { LAB, controller, controllerPod, echoPod, endpoint, ingress, inventory, port, service } from '@/test/support/lab-inventory';

const CODE = 'traefik-allow-list-checks-infrastructure';
const OCTAVIA_XFF = { 'loadbalancer.openstack.org/x-forwarded-for': 'true' };

interface Case {
  policy: TrafficPolicy;
  annotations?: Record<string, string>;
  trusted?: string[];
  list: Partial<TraefikAllowList>;
}

function paths(c: Case) {
  const settings: IngressControllerSettings = {
    useForwardedHeaders: (c.trusted ?? []).length > 0,
    useProxyProtocol: false,
    computeFullForwardedFor: true,
    trustedCIDRs: c.trusted ?? [],
    entryPoint: 'web',
    origin: 'container args',
  };
  const ctrlPod = controllerPod('traefik');
  const ctrl = controller({ kind: 'traefik', namespace: 'traefik', name: 'traefik', service: 'traefik', settings, pods: [ctrlPod], classes: ['traefik'] });
  const ctrlSvc = service({
    namespace: 'traefik',
    name: 'traefik',
    type: 'LoadBalancer',
    lbAddress: LAB.vip,
    policy: c.policy,
    clusterIP: '10.96.0.20',
    ports: [port(80, 30080)],
    endpoints: [endpoint(LAB.ingressPod, 'node1')],
    annotations: c.annotations ?? {},
  });
  const list: TraefikAllowList = { namespace: 'default', name: 'office', field: 'ipAllowList', sourceRange: ['203.0.113.0/24'], depth: 0, excludedIPs: [], ...c.list };
  const ing = { ...ingress({ name: 'echo', host: 'echo.example.test', backend: 'echo', controller: ctrl }), traefikMiddlewares: ['default-office@kubernetescrd'] };
  return buildPaths(
    inventory({
      services: [ctrlSvc, service({ name: 'echo', clusterIP: '10.96.0.10' })],
      ingresses: [ing],
      ingressControllers: [ctrl],
      traefikAllowLists: [list],
      pods: [echoPod(), ctrlPod],
      loadBalancers: c.annotations ? [{ provider: 'cloud', name: 'openstack', pools: [] }] : [],
    }),
  ).filter((p) => p.entry.kind === 'ingress' && p.id.includes('@loadBalancer:'));
}

describe('what the allow-list checks on the path (docs/domain.md#s6.2.5, #src-S54)', () => {
  it.each<[string, Case, string | null, string | null]>([
    // kube-proxy masquerades to the receiving node under Cluster (docs/domain.md#s2.5): the connection is the node's.
    ['Cluster policy, no ipStrategy: the node is checked and is not in the list', { policy: 'Cluster', list: {} }, 'blocks every client (403)', 'externalTrafficPolicy Local'],
    ['Cluster policy, the node subnet in sourceRange', { policy: 'Cluster', list: { sourceRange: ['192.0.2.0/24'] } }, 'lets every client in', 'externalTrafficPolicy Local'],
    ['Local policy: the client is checked', { policy: 'Local', list: {} }, null, null],
    ['depth 1 while forwardedHeaders trusts nobody: X-Forwarded-For is deleted, nothing to check', { policy: 'Local', list: { depth: 1 } }, 'no address', null],
    [
      'Octavia writes X-Forwarded-For, the entry point trusts it, no ipStrategy: the LB is checked',
      { policy: 'Local', annotations: OCTAVIA_XFF, trusted: ['192.0.2.0/24'], list: {} },
      'blocks every client (403)',
      'Set ipStrategy.depth: 1',
    ],
    ['…with ipStrategy.depth 1: the client is checked', { policy: 'Local', annotations: OCTAVIA_XFF, trusted: ['192.0.2.0/24'], list: { depth: 1 } }, null, null],
    ['…with excludedIPs naming nothing of the path: the client is still the rightmost', { policy: 'Local', annotations: OCTAVIA_XFF, trusted: ['192.0.2.0/24'], list: { excludedIPs: ['10.0.0.0/8'] } }, null, null],
  ])('%s', (_label, c, says, fix) => {
    const found = paths(c).flatMap((p) => p.findings.filter((f) => f.code === CODE));
    if (says === null) {
      expect(found).toEqual([]);
      return;
    }
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.message).toContain(says);
    expect(found[0]!.message).toContain('Middleware default/office');
    expect(found[0]!.severity).toBe('error');
    if (fix) expect(found[0]!.fix).toContain(fix);
  });

  it('an Ingress without the annotation runs no allow-list', () => {
    const p = paths({ policy: 'Cluster', list: { name: 'other' } });
    expect(p.flatMap((x) => x.findings.map((f) => f.code))).not.toContain(CODE);
  });
});
