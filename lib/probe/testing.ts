// Small builders for probe tests: a plain-data inventory and paths, shaped like discovery and the model output.
import type { ClusterInventory, Hop, NetPath, NodeInfo, PodInfo, ServiceInfo } from '@/lib/types';

export function node(name: string, internalIP: string, podCIDR: string): NodeInfo {
  return { name, internalIP, externalIP: null, ready: true, roles: [], excludeFromExternalLB: false, providerID: null, podCIDRs: [podCIDR], labels: {} };
}

export function service(partial: Partial<ServiceInfo> & Pick<ServiceInfo, 'namespace' | 'name'>): ServiceInfo {
  return {
    type: 'ClusterIP',
    clusterIP: null,
    clusterIPs: [],
    externalTrafficPolicy: null,
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: null,
    loadBalancerClass: null,
    loadBalancerIPs: [],
    loadBalancerIngress: [],
    announcingNode: null,
    announcingNodes: [],
    loadBalancerProvider: null,
    loadBalancerPool: null,
    ports: [],
    endpoints: [],
    selector: {},
    annotations: {},
    labels: {},
    externalIPs: [],
    allocateLoadBalancerNodePorts: true,
    ...partial,
  };
}

export function pod(partial: Partial<PodInfo> & Pick<PodInfo, 'namespace' | 'name' | 'ip' | 'nodeName'>): PodInfo {
  return { ready: true, roles: [], hostNetwork: false, hostIP: null, hostPorts: [], labels: {}, args: [], images: [], egressProxy: null, ...partial };
}

export function inventory(partial: Partial<ClusterInventory> = {}): ClusterInventory {
  return {
    source: { mode: 'kubeconfig', context: 'test', server: 'https://127.0.0.1:6443' },
    kubeProxy: { mode: 'iptables', source: 'configmap' },
    nodes: [],
    loadBalancers: [],
    services: [],
    ingresses: [],
    ingressControllers: [],
    pods: [],
    cni: { name: 'calico', natOutgoing: true },
    errors: [],
    discoveredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    ...partial,
  };
}

export function hop(partial: Partial<Hop> & Pick<Hop, 'id' | 'kind'>): Hop {
  return {
    name: partial.id,
    address: null,
    expectedPeer: null,
    expectedPeerRole: 'client',
    clientAddressVia: 'source',
    believedClient: 'client',
    believedClientRole: 'client',
    objects: [],
    details: {},
    ...partial,
  };
}

export function path(partial: Partial<NetPath> & Pick<NetPath, 'id' | 'entry'>): NetPath {
  return {
    hops: [hop({ id: 'client', kind: 'client' }), hop({ id: 'pod:lab/echo', kind: 'pod', expectedPeer: 'client' })],
    verdict: 'preserved',
    findings: [],
    appClient: { via: 'source', role: 'client', value: 'client' },
    ...partial,
  };
}
