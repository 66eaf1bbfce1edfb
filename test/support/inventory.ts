// Plain-data builders for tests: inventory objects and hops shaped like discovery and the model output. Each builder
// fills the fields a test does not care about with neutral values; what a test names wins.
import type { ClusterInventory, Hop, NodeInfo, PodInfo, ServiceInfo } from '@/lib/types';

/** A ready node with no roles, labels, pod CIDRs or addresses unless given. */
export function nodeInfo(partial: Partial<NodeInfo> & Pick<NodeInfo, 'name'>): NodeInfo {
  return {
    internalIP: null,
    externalIP: null,
    ready: true,
    roles: [],
    excludeFromExternalLB: false,
    providerID: null,
    podCIDRs: [],
    labels: {},
    ...partial,
  };
}

/** A ClusterIP Service without addresses, ports or endpoints unless given. */
export function serviceInfo(partial: Partial<ServiceInfo> & Pick<ServiceInfo, 'namespace' | 'name'>): ServiceInfo {
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

/** A ready pod-network pod with no roles, labels, args or images unless given. */
export function podInfo(partial: Partial<PodInfo> & Pick<PodInfo, 'namespace' | 'name' | 'ip' | 'nodeName'>): PodInfo {
  return {
    ready: true,
    roles: [],
    hostNetwork: false,
    hostIP: null,
    hostPorts: [],
    labels: {},
    args: [],
    images: [],
    egressProxy: null,
    ...partial,
  };
}

/** An empty iptables/calico cluster read through a kubeconfig, discovered at a fixed time. */
export function clusterInventory(partial: Partial<ClusterInventory> = {}): ClusterInventory {
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

/** A hop that sees no peer and believes no client unless given. */
export function hopInfo(partial: Partial<Hop> & Pick<Hop, 'id' | 'kind' | 'name'>): Hop {
  return {
    address: null,
    expectedPeer: null,
    expectedPeerRole: 'none',
    clientAddressVia: 'none',
    believedClient: null,
    believedClientRole: 'none',
    objects: [],
    details: {},
    ...partial,
  };
}

/** The fields of a hop whose TCP peer is the original client and that takes it as the client. */
export const SEES_CLIENT = {
  expectedPeer: 'client',
  expectedPeerRole: 'client',
  clientAddressVia: 'source',
  believedClient: 'client',
  believedClientRole: 'client',
} as const satisfies Partial<Hop>;
