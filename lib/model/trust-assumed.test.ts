// No verdict rests on an unstated assumption: a proxying LB's member address is not discoverable, so a controller's
// trusted list that names anything outside the pod ranges is taken to cover it (trust.ts isTrusted). Where a verdict
// depends on that, the path says so as a finding; a known peer address, a catch-all list, or a list hopscope does not
// take for the LB adds nothing.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { IngressControllerSettings } from '@/lib/types';
import { LAB, ingressSetup, inventory, nginxSettings, port } from '@/test/support/lab-inventory';

const OPENSTACK = [{ provider: 'cloud' as const, name: 'openstack', pools: [] }];

function paths(settings: Partial<IngressControllerSettings>, annotations: Record<string, string>) {
  const setup = ingressSetup({
    controllerService: { name: 'ingress-nginx-controller', type: 'LoadBalancer', lbAddress: LAB.vip, ports: [port(80, 30880)], policy: 'Local', annotations },
    settings: nginxSettings(settings),
  });
  const provider = Object.keys(annotations).length > 0 ? OPENSTACK : [];
  return buildPaths(inventory({ ...setup, loadBalancers: provider })).filter((p) => p.entry.kind === 'ingress');
}
const XFF = { 'loadbalancer.openstack.org/x-forwarded-for': 'true' };
const PROXY = { 'loadbalancer.openstack.org/proxy-protocol': 'v2' };

describe('trust-assumed-for-lb', () => {
  it.each<[string, Partial<IngressControllerSettings>, Record<string, string>, boolean]>([
    ['Octavia with X-Forwarded-For, nginx trusting a range outside the pods', { useForwardedHeaders: true, trustedCIDRs: ['192.168.0.0/24'] }, XFF, true],
    ['Octavia with PROXY, nginx trusting a range outside the pods', { useProxyProtocol: true, trustedCIDRs: ['192.168.0.0/24'] }, PROXY, true],
    ['a catch-all list: no assumption, everyone is trusted', { useForwardedHeaders: true, trustedCIDRs: ['0.0.0.0/0'] }, XFF, false],
    ['a list inside the pod range names pods, not the LB', { useForwardedHeaders: true, trustedCIDRs: ['10.244.0.0/24'] }, XFF, false],
    ['a pass-through LB: the peer is a known node address', { useForwardedHeaders: true, trustedCIDRs: ['192.168.0.0/24'] }, {}, false],
    ['nginx reading no client header at all', { trustedCIDRs: ['192.168.0.0/24'] }, XFF, false],
  ])('%s', (_label, settings, annotations, said) => {
    const found = paths(settings, annotations).flatMap((p) => p.findings.filter((f) => f.code === 'trust-assumed-for-lb'));
    expect(found.length > 0).toBe(said);
    if (said) {
      expect(found[0]!.severity).toBe('info');
      expect(found[0]!.message).toContain('trusts 192.168.0.0/24');
      expect(found[0]!.message).toContain('hopscope assumes the list covers it');
      expect(found[0]!.hopId).toMatch(/^ingressController:/);
    }
  });
});
