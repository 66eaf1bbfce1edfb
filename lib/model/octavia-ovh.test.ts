// OpenStack Octavia and OVHcloud (docs/domain.md#s7.1). cloud-provider-openstack getListenerProtocol: with
// loadbalancer.openstack.org/x-forwarded-for the listener protocol is HTTP (TERMINATED_HTTPS when
// default-tls-container-ref is set), so a port clients open with TLS meets an HTTP listener and fails (#src-S27).
// OVHcloud documents x-forwarded-for as not supported and PROXY protocol v1 only (#src-S33).
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { ClusterInventory } from '@/lib/types';
import { LAB, inventory, port, service } from '@/test/support/lab-inventory';
import { resolveProvider } from './loadbalancers';

const XFF = { 'loadbalancer.openstack.org/x-forwarded-for': 'true' };
const cloud = (name: string) => [{ provider: 'cloud' as const, name, pools: [] }];

function lb(annotations: Record<string, string>, cloudName: string | null = 'openstack'): ClusterInventory {
  return inventory({
    loadBalancers: cloudName ? cloud(cloudName) : [],
    services: [service({ name: 'echo', type: 'LoadBalancer', lbAddress: LAB.vip, policy: 'Local', annotations, ports: [port(80, 30080, 'http'), port(443, 30443, 'https')] })],
  });
}
const pathAt = (inv: ClusterInventory, p: number) => buildPaths(inv).find((x) => x.id === `loadBalancer:default/echo:${LAB.vip}:${p}@node1`)!;

describe('docs/domain.md#s7.1: Octavia x-forwarded-for makes the listener HTTP', () => {
  it.each([
    // annotations, port, verdict, outcome, finding
    [XFF, 80, 'header', 'ok', null],
    [XFF, 443, 'broken', 'tls', 'lb-http-listener-on-tls-port'],
    [{ ...XFF, 'loadbalancer.openstack.org/default-tls-container-ref': 'https://barbican/v1/containers/abc' }, 443, 'header', 'ok', null],
    [{ 'loadbalancer.openstack.org/proxy-protocol': 'v2' }, 443, 'header', 'ok', null],
  ] as const)('%o on port %i ⇒ %s', (annotations, p, verdict, outcome, code) => {
    const path = pathAt(lb(annotations), p);
    expect(path.verdict).toBe(verdict);
    expect(path.expectedOutcome).toBe(outcome);
    if (code) {
      const f = path.findings.find((x) => x.code === code);
      expect(f).toMatchObject({ severity: 'error', hopId: `loadBalancer:${LAB.vip}` });
      expect(f?.fix).toContain('loadbalancer.openstack.org/x-forwarded-for-');
      expect(f?.fix).toContain('default-tls-container-ref');
      expect(f?.whatIf).toBe('svc:default/echo.xForwardedFor=false');
    } else {
      expect(path.findings.map((x) => x.code)).not.toContain('lb-http-listener-on-tls-port');
    }
  });
});

describe('docs/domain.md#s7.1: OVHcloud', () => {
  it.each([
    [{ 'loadbalancer.ovhcloud.com/class': 'octavia', 'loadbalancer.openstack.org/proxy-protocol': 'v2' }],
    [{ 'loadbalancer.ovhcloud.com/flavor': 'small' }],
  ])('%o is recognised as OVHcloud, not plain OpenStack', (annotations) => {
    const inv = lb(annotations, null);
    expect(resolveProvider(inv.services[0]!, inv).id).toBe('ovh');
  });

  it('x-forwarded-for is not supported: the LB still hides the client, and TLS is not broken by it', () => {
    const inv = lb({ 'loadbalancer.ovhcloud.com/class': 'octavia', ...XFF }, null);
    expect(pathAt(inv, 80).verdict).toBe('lost');
    expect(pathAt(inv, 80).hops.find((h) => h.kind === 'loadBalancer')?.details['X-Forwarded-For']).toBe('false');
    expect(pathAt(inv, 443).verdict).toBe('lost');
  });

  it('PROXY protocol is v1 only, whatever version the annotation names', () => {
    const inv = lb({ 'loadbalancer.ovhcloud.com/class': 'octavia', 'loadbalancer.openstack.org/proxy-protocol': 'v2' }, null);
    const path = pathAt(inv, 80);
    expect(path.hops.find((h) => h.kind === 'loadBalancer')?.details['PROXY protocol']).toBe('v1');
    expect(path.verdict).toBe('header');
  });
});
