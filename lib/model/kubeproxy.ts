// kube-proxy and CNI rules for the TCP source, one function per documented behaviour.
import type { CniInfo, EndpointInfo, IngressControllerInfo, NodeInfo, ServiceInfo, TrafficPolicy } from '@/lib/types';
import { address } from './flow';
import type { PredictedAddress } from './types';

export type NodeDelivery = { action: 'forward'; peer: PredictedAddress; snat: boolean } | { action: 'drop' };

export const nodeAddress = (node: NodeInfo): PredictedAddress => address('node', node.internalIP);

/**
 * External traffic to a NodePort / LB IP on `node` (docs/domain.md#s2.5; docs/lab.md#row-6–#row-12). `Cluster` masquerades to the
 * RECEIVING node's IP even when the endpoint is local (docs/lab.md#row-6–#row-7); `Local` keeps the source when the node has a
 * ready local endpoint (docs/lab.md#row-8, #row-10) and silently drops it otherwise (docs/lab.md#row-9, #row-12).
 */
export function externalTrafficAtNode(
  policy: TrafficPolicy,
  node: NodeInfo,
  hasReadyLocalEndpoint: boolean,
  peer: PredictedAddress,
): NodeDelivery {
  if (policy === 'Cluster') return { action: 'forward', peer: nodeAddress(node), snat: true };
  return hasReadyLocalEndpoint ? { action: 'forward', peer, snat: false } : { action: 'drop' };
}

/**
 * A pod calling a ClusterIP (docs/domain.md#s2.4, #src-S17; docs/lab.md#row-2–#row-3): never SNAT'd, so the endpoint sees the calling pod —
 * except hairpin, an endpoint reaching itself through its own Service, which is masqueraded to its node (docs/lab.md#row-4).
 */
export function clusterIPFromPod(
  callerPodIP: string | null,
  endpoint: EndpointInfo,
  endpointNode: NodeInfo | null,
  peer: PredictedAddress,
): PredictedAddress {
  const hairpin = callerPodIP !== null && callerPodIP === endpoint.ip;
  return hairpin && endpointNode ? nodeAddress(endpointNode) : peer;
}

/** Pod-to-pod and routed client-to-pod traffic carries no NAT (Kubernetes network model; docs/lab.md#row-1 and #row-5). */
export const routedToPod = (peer: PredictedAddress): PredictedAddress => peer;

/**
 * hostPort: the CNI portmap plugin DNATs node:hostPort to the pod without SNAT for outside clients (docs/sources.md#seed-001
 * "hostPort"; the packet is then routed like docs/lab.md#row-5). hostNetwork: the pod's socket is the node's socket.
 */
export const hostPortOrNetwork = (peer: PredictedAddress): PredictedAddress => peer;

/**
 * Pod → outside world: the CNI masquerades to the node IP (docs/sources.md#seed-004: "源 IP 会被转换成 Node 的 IP") unless the
 * pod network is routed without NAT (Calico natOutgoing: false). Unknown counts as masquerading.
 */
export function egressSource(cni: CniInfo, node: NodeInfo | null, pod: PredictedAddress): PredictedAddress {
  if (cni.natOutgoing === false) return pod;
  return node ? nodeAddress(node) : address('node', null);
}

/**
 * In-cluster traffic to an LB IP with ipMode VIP (or unset) is intercepted by kube-proxy and sent straight to the
 * endpoints with Cluster semantics (docs/domain.md#s2.5, #s2.6): it never reaches the load balancer.
 */
export function isShortCircuitedInCluster(service: ServiceInfo, lbAddress: string): boolean {
  const ingress = service.loadBalancerIngress.find((i) => i.ip === lbAddress);
  return ingress !== undefined && ingress.ipMode !== 'Proxy';
}

export function readyEndpoints(service: ServiceInfo): EndpointInfo[] {
  return service.endpoints.filter((e) => e.ready).sort((a, b) => a.ip.localeCompare(b.ip));
}

export function hasReadyEndpointOn(service: ServiceInfo, nodeName: string): boolean {
  return service.endpoints.some((e) => e.ready && e.nodeName === nodeName);
}

/**
 * The endpoint a request through `node` is shown reaching: a local one when there is one (required for Local,
 * and what an L2 announcing node prefers to show), else the first ready endpoint by address. kube-proxy picks
 * at random under Cluster, which does not change the source address (docs/lab.md#row-6–#row-7).
 */
export function representativeEndpoint(service: ServiceInfo, nodeName: string | null): EndpointInfo | null {
  const ready = readyEndpoints(service);
  return ready.find((e) => e.nodeName === nodeName) ?? ready[0] ?? null;
}

/** Nodes a load balancer may send to: ready, with an address, not labelled exclude-from-external-load-balancers. */
export function eligibleLoadBalancerNodes(nodes: NodeInfo[]): NodeInfo[] {
  return nodes.filter((n) => n.ready && n.internalIP !== null && !n.excludeFromExternalLB);
}

/** The controller pod that answers on `nodeName` (Local needs one there), else its first ready pod by name. */
export function controllerPodFor(controller: IngressControllerInfo, nodeName: string | null) {
  const ready = controller.pods.filter((p) => p.ready).sort((a, b) => a.name.localeCompare(b.name));
  return ready.find((p) => p.nodeName === nodeName) ?? ready[0] ?? null;
}
