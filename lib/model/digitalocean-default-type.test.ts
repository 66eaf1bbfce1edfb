// Rule: DigitalOcean's default load balancer type changed (docs/domain.md#s7.2, #src-S29): the CCM made
// REGIONAL_NETWORK (a pass-through network LB) the default in v0.1.61 (2025-05-29, "Ensure Network LoadBalancer (NLB)
// is the default loadbalancer type"); before, an LB without do-loadbalancer-type was REGIONAL, which proxies. Without
// the annotation the type is read off the cluster version, and the verdict says it rests on that.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import { LAB, endpoint, inventory, node, port, service } from '@/test/support/lab-inventory';

const DO = [{ provider: 'cloud' as const, name: 'digitalocean', pools: [] }];
const TYPE = 'service.beta.kubernetes.io/do-loadbalancer-type';

function lbPath(kubeletVersion: string | null, annotations: Record<string, string>) {
  const inv = inventory({
    loadBalancers: DO,
    nodes: [node('node1', LAB.node1, { kubeletVersion, providerID: 'digitalocean://101' }), node('node2', LAB.node2, { kubeletVersion, providerID: 'digitalocean://102' })],
    services: [
      service({
        name: 'web',
        type: 'LoadBalancer',
        lbAddress: LAB.vip,
        ports: [port(80, 30080)],
        policy: 'Local',
        annotations: { 'service.beta.kubernetes.io/do-loadbalancer-name': 'web', ...annotations },
        endpoints: [endpoint(LAB.echoPod, 'node1')],
      }),
    ],
  });
  const path = buildPaths(inv).find((p) => p.id === `loadBalancer:default/web:${LAB.vip}:80@node1`);
  if (!path) throw new Error('no LB path');
  return path;
}

describe('docs/domain.md#s7.2: DigitalOcean\'s default LB type by cluster version', () => {
  it.each([
    // [kubelet version, annotations, verdict, LB mode, assumed?]
    ['v1.32.10', {}, 'lost', 'proxy', true],
    ['v1.33.1', {}, 'preserved', 'passthrough', true],
    ['v1.34.2', {}, 'preserved', 'passthrough', true],
    [null, {}, 'preserved', 'passthrough', true],
    ['v1.32.10', { [TYPE]: 'REGIONAL_NETWORK' }, 'preserved', 'passthrough', false],
    ['v1.34.2', { [TYPE]: 'REGIONAL' }, 'lost', 'proxy', false],
  ] as const)('kubelet %s, %o ⇒ %s (%s)', (version, annotations, verdict, mode, assumed) => {
    const path = lbPath(version, annotations);
    expect(path.verdict).toBe(verdict);
    expect(path.hops.find((h) => h.kind === 'loadBalancer')?.details.mode).toBe(mode);
    const finding = path.findings.find((f) => f.code === 'lb-type-assumed');
    if (assumed) {
      expect(finding?.message).toContain('do-loadbalancer-type is unset');
      expect(finding?.fix).toContain(`kubectl annotate service -n default web ${TYPE}=REGIONAL_NETWORK`);
    } else {
      expect(finding).toBeUndefined();
    }
  });
});
