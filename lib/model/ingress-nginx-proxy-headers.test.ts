// ingress-nginx with use-proxy-protocol and use-forwarded-headers both on (docs/domain.md#s6.1.1): from controller-v1.13.0
// (kubernetes/ingress-nginx#12768) real_ip_header is X-Forwarded-For-Proxy-Protocol, set by nginx.tmpl to the
// forwarded-for header when $proxy_protocol_addr is in proxy-real-ip-cidr and to $proxy_protocol_addr otherwise (e2e
// "should trust X-Forwarded headers when the client IP address is trusted"); before 1.13 real_ip_header is
// proxy_protocol. The version comes from the controller image tag; an unknown one gets the old rule and a finding.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import { imageVersion } from '@/lib/k8s/ingress';
import type { ClusterInventory, IngressControllerSettings } from '@/lib/types';
import { LAB, ingressSetup, inventory, nginxSettings, port } from '@/test/support/lab-inventory';

const OPENSTACK = [{ provider: 'cloud' as const, name: 'openstack', pools: [] }];
const INGRESS = `ingress:default/echo:echo.example.test:echo@loadBalancer:ingress-nginx/ingress-nginx-controller:${LAB.vip}:80@node1`;
const BOTH = { useProxyProtocol: true, useForwardedHeaders: true } as const;
/** Octavia's member port is not discoverable: a list naming anything outside the pod ranges stands for the LB (trust.ts). */
const LB_ONLY = ['192.168.0.0/24'];

function cluster(settings: Partial<IngressControllerSettings>, version: string | null, lbProxy: boolean): ClusterInventory {
  const setup = ingressSetup({
    controllerService: {
      name: 'ingress-nginx-controller',
      type: 'LoadBalancer',
      lbAddress: LAB.vip,
      ports: [port(80, 30880)],
      policy: 'Local',
      annotations: lbProxy ? { 'loadbalancer.openstack.org/proxy-protocol': 'v2' } : {},
    },
    settings: nginxSettings(settings),
  });
  const controllers = setup.ingressControllers.map((c) => ({ ...c, version }));
  return inventory({ ...setup, ingressControllers: controllers, loadBalancers: OPENSTACK });
}

function pathOf(inv: ClusterInventory) {
  const path = buildPaths(inv).find((p) => p.id === INGRESS);
  if (!path) throw new Error(`no path ${INGRESS}`);
  return path;
}

describe('docs/domain.md#s6.1.1: PROXY protocol and forwarded headers together', () => {
  it.each([
    // version, settings, LB sends PROXY, verdict, whom nginx takes for the client (honest / forging client), finding
    ['v1.13.2', { ...BOTH }, true, 'spoofable', 'loadBalancer', 'attacker', 'forwarded-headers-trust-all'],
    ['v1.15.1', { ...BOTH, trustedCIDRs: LB_ONLY }, true, 'header', 'client', 'client', null],
    ['v1.13.0', { ...BOTH, forwardedForHeader: 'CF-Connecting-IP' }, true, 'spoofable', 'loadBalancer', 'attacker', 'forwarded-headers-trust-all'],
    ['v1.12.4', { ...BOTH }, true, 'header', 'client', 'client', null],
    [null, { ...BOTH }, true, 'header', 'client', 'client', 'controller-version-assumed'],
    ['v1.13.2', { useForwardedHeaders: true, forwardedForHeader: 'CF-Connecting-IP' }, false, 'spoofable', 'loadBalancer', 'attacker', 'forwarded-headers-trust-all'],
  ] as const)('%s %o, PROXY from the LB %s ⇒ %s (nginx takes %s; a forging client: %s)', (version, settings, lbProxy, verdict, honest, forged, code) => {
    const path = pathOf(cluster(settings, version, lbProxy));
    expect(path.verdict).toBe(verdict);
    const nginx = path.hops.find((h) => h.kind === 'ingressController')!;
    expect(nginx.arrival?.believed.role).toBe(honest);
    expect(nginx.forgedArrival?.believed.role).toBe(forged);
    if (lbProxy) expect(nginx.arrival?.proxyProtocol?.src.role).toBe('client');
    if (code) expect(path.findings.map((f) => f.code)).toContain(code);
    if (version !== null) expect(path.findings.map((f) => f.code)).not.toContain('controller-version-assumed');
  });

  it('the finding says which rule an unknown version got', () => {
    const path = pathOf(cluster({ ...BOTH }, null, true));
    const f = path.findings.find((x) => x.code === 'controller-version-assumed');
    expect(f).toMatchObject({ severity: 'info' });
    expect(f?.message).toContain('the rule before 1.13 was assumed');
    expect(path.hops.find((h) => h.kind === 'ingressController')?.details['PROXY + forwarded headers']).toContain('version unknown: assumed');
  });

  it('the version is the controller image tag', () => {
    expect(imageVersion('registry.k8s.io/ingress-nginx/controller:v1.13.2@sha256:0123abcd')).toBe('v1.13.2');
    expect(imageVersion('localhost:5000/ingress-nginx/controller:v1.12.0')).toBe('v1.12.0');
    expect(imageVersion('registry.k8s.io/ingress-nginx/controller@sha256:0123abcd')).toBeNull();
    expect(imageVersion('registry.k8s.io/ingress-nginx/controller:latest')).toBeNull();
  });
});
