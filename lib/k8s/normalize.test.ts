import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { normalizeInventory } from './normalize';
import { emptyRawObjects, type RawClusterObjects } from './raw';

const context = {
  source: { mode: 'demo' as const, context: 'demo/unit', server: '' },
  errors: [],
  discoveredAt: '2025-01-01T00:00:00.000Z',
  durationMs: 0,
};

function inventory(patch: Partial<RawClusterObjects>) {
  return normalizeInventory({ ...emptyRawObjects(), ...patch }, context);
}

const node = (name: string, ip: string, labels: Record<string, string> = {}, extra: object = {}) => ({
  metadata: { name, labels },
  status: { addresses: [{ type: 'InternalIP', address: ip }], conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});

const lbService = (name: string, ip: string, annotations: Record<string, string> = {}, spec: Partial<V1Service['spec']> = {}): V1Service => ({
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
  status: { loadBalancer: { ingress: [{ ip }] } },
});

describe('normalizeInventory', () => {
  it('passes source, errors and timing through and sorts nodes naturally', () => {
    const inv = inventory({ nodes: [node('n10', '192.0.2.10'), node('n2', '192.0.2.2')] });
    expect(inv.nodes.map((n) => n.name)).toEqual(['n2', 'n10']);
    expect(inv).toMatchObject({ source: context.source, errors: [], discoveredAt: context.discoveredAt, durationMs: 0 });
  });

  it.each([
    ['Local on a LoadBalancer', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, 'Local'],
    ['default on a NodePort', { type: 'NodePort' }, 'Cluster'],
    ['ClusterIP without externalIPs', { type: 'ClusterIP' }, null],
    ['ClusterIP with externalIPs', { type: 'ClusterIP', externalIPs: ['198.51.100.9'] }, 'Cluster'],
  ] as [string, V1Service['spec'], string | null][])('externalTrafficPolicy: %s', (_label, spec, expected) => {
    const inv = inventory({ services: [{ metadata: { name: 's', namespace: 'd' }, spec: { ...spec, ports: [{ port: 80 }] } }] });
    expect(inv.services[0]!.externalTrafficPolicy).toBe(expected);
  });

  it('maps service fields: headless ClusterIP, targetPort default, allocateLoadBalancerNodePorts default, filtered annotations', () => {
    const inv = inventory({
      services: [
        {
          metadata: {
            name: 'db',
            namespace: 'd',
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': 'true' },
          },
          spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', port: 5432 }] },
        },
      ],
    });
    expect(inv.services[0]).toMatchObject({
      clusterIP: null,
      clusterIPs: [],
      ports: [{ name: 'pg', port: 5432, nodePort: null, targetPort: 5432, protocol: 'TCP' }],
      allocateLoadBalancerNodePorts: true,
      internalTrafficPolicy: 'Cluster',
      annotations: { 'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': 'true' },
    });
  });

  it('joins EndpointSlices by kubernetes.io/service-name; nil ready counts as ready; FQDN slices are skipped', () => {
    const inv = inventory({
      services: [{ metadata: { name: 'web', namespace: 'd' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }],
      endpointSlices: [
        {
          metadata: { name: 'web-a', namespace: 'd', labels: { 'kubernetes.io/service-name': 'web' } },
          addressType: 'IPv4',
          endpoints: [
            { addresses: ['10.244.1.9'], nodeName: 'n1' },
            { addresses: ['10.244.2.9'], nodeName: 'n2', conditions: { ready: false, serving: true, terminating: true } },
          ],
        },
        { metadata: { name: 'other', namespace: 'x', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.3.3'] }] },
        { metadata: { name: 'web-f', namespace: 'd', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }] },
      ],
    });
    expect(inv.services[0]!.endpoints).toEqual([
      { ip: '10.244.1.9', nodeName: 'n1', ready: true, serving: true, terminating: false, targetRef: null },
      { ip: '10.244.2.9', nodeName: 'n2', ready: false, serving: true, terminating: true, targetRef: null },
    ]);
  });

  it.each([
    ['cloud annotation wins', lbService('a', '203.0.113.5', { 'load-balancer.hetzner.cloud/uses-proxyprotocol': 'true' }), 'cloud', 'hetzner'],
    ['AWS NLB loadBalancerClass', lbService('b', '203.0.113.6', {}, { loadBalancerClass: 'service.k8s.aws/nlb' }), 'cloud', 'aws'],
    ['address inside a MetalLB pool', lbService('c', '198.51.100.7'), 'metallb', null],
    ['unknown without any hint', lbService('d', '192.0.2.250'), 'unknown', null],
  ])('load balancer provider: %s', (_label, svc, provider, cloud) => {
    const inv = inventory({
      services: [svc],
      metallb: {
        ...emptyRawObjects().metallb,
        ipAddressPools: [{ metadata: { name: 'p', namespace: 'metallb-system' }, spec: { addresses: ['198.51.100.0/28'] } }],
      },
    });
    expect(inv.services[0]!.loadBalancerProvider).toBe(provider);
    if (provider === 'metallb') expect(inv.services[0]!.loadBalancerPool).toBe('p');
    const clouds = inv.loadBalancers.filter((l) => l.provider === 'cloud').map((l) => l.name);
    expect(clouds).toEqual(cloud ? [cloud] : []);
  });

  it('falls back to the nodes’ cloud (providerID) for a LoadBalancer without annotations', () => {
    const inv = inventory({
      nodes: [node('n1', '192.0.2.1', {}, { spec: { providerID: 'digitalocean://12345' } })],
      services: [lbService('web', '203.0.113.9')],
    });
    expect(inv.services[0]).toMatchObject({ loadBalancerProvider: 'cloud' });
    expect(inv.loadBalancers).toEqual([{ provider: 'cloud', name: 'digitalocean', pools: [{ name: 'digitalocean', addresses: ['203.0.113.9'], mode: 'cloud' }] }]);
  });

  it('k3s ServiceLB: ready svclb pods announce; the pool lists ExternalIPs of their nodes', () => {
    const svclb = (name: string, nodeName: string, ready: boolean): V1Pod => ({
      metadata: {
        name,
        namespace: 'kube-system',
        labels: { 'svccontroller.k3s.cattle.io/svcname': 'web', 'svccontroller.k3s.cattle.io/svcnamespace': 'default' },
      },
      spec: { nodeName, containers: [{ name: 'lb-tcp-80', ports: [{ containerPort: 80, hostPort: 80 }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    const inv = inventory({
      nodes: [
        node('a', '192.0.2.1', {}, { status: { addresses: [{ type: 'InternalIP', address: '192.0.2.1' }, { type: 'ExternalIP', address: '203.0.113.1' }], conditions: [] } }),
        node('b', '192.0.2.2'),
      ],
      services: [lbService('web', '203.0.113.1')],
      pods: [svclb('svclb-web-1', 'a', true), svclb('svclb-web-2', 'b', false)],
    });
    expect(inv.services[0]).toMatchObject({ loadBalancerProvider: 'servicelb', announcingNodes: ['a'], announcingNode: null });
    expect(inv.loadBalancers).toEqual([{ provider: 'servicelb', pools: [{ name: 'servicelb', addresses: ['203.0.113.1'], mode: 'servicelb' }] }]);
    expect(inv.pods.map((p) => [p.name, p.roles])).toEqual([
      ['svclb-web-1', ['svclb', 'host-port']],
      ['svclb-web-2', ['svclb', 'host-port']],
    ]);
  });

  it('leaves out pods without a role and finished pods', () => {
    const inv = inventory({
      pods: [
        { metadata: { name: 'plain', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1' }] }, status: { phase: 'Running' } },
        { metadata: { name: 'done', namespace: 'd' }, spec: { hostNetwork: true, containers: [] }, status: { phase: 'Succeeded' } },
        { metadata: { name: 'whoami', namespace: 'd' }, spec: { containers: [{ name: 'w', image: 'traefik/whoami:v1.11.0' }] }, status: { phase: 'Running' } },
      ],
    });
    expect(inv.pods.map((p) => [p.name, p.roles])).toEqual([['whoami', ['echo']]]);
  });
});
