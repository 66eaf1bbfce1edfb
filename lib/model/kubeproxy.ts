// kube-proxy and CNI rules for the TCP source, one function per documented behaviour.
import { cidrContains, firstHostAddress, networkAddress } from '@/lib/net/cidr';
import type { ClusterInventory, CniInfo, EndpointInfo, IngressControllerInfo, NodeInfo, ServiceInfo, TrafficPolicy } from '@/lib/types';
import { address } from './flow';
import type { PredictedAddress } from './types';

export type NodeDelivery = { action: 'forward'; peer: PredictedAddress; snat: boolean } | { action: 'drop' };

export const nodeAddress = (node: NodeInfo): PredictedAddress => address('node', node.internalIP);

/** The address a masquerade on a node writes, and why that one (shown on the node hop). */
export interface MasqueradeAddress {
  peer: PredictedAddress;
  why: string;
}

/** The CNI on `node`: its own agent pod's when discovery saw one (a cluster migrating CNIs runs two), else the cluster's. */
function cniOn(cni: CniInfo, node: NodeInfo): { name: string; backend: string | null } {
  const own = cni.nodes?.find((n) => n.node === node.name);
  return { name: own?.name ?? cni.name, backend: own?.backend ?? null };
}

/** CNIs whose pods hang off a routed /32 veth without a bridge: the masquerade writes the node's address (docs/lab.md#row-6). */
const ROUTED_CNIS: ReadonlySet<string> = new Set(['calico', 'canal']);

/**
 * The address kube-proxy's MASQUERADE on `node` writes towards an endpoint on `endpointNode`: the address of the
 * interface the packet leaves by (docs/domain.md#s2.9, #src-S42). flannel attaches pods to the `cni0` bridge with the
 * gateway `.1` of the node's pod CIDR (docs/domain.md#s2.12, #src-S43, #src-S81), so towards a pod on the same node the
 * source becomes that bridge address (docs/lab.md#row-43); towards another node it is flannel.1's address (the pod
 * CIDR's network address) with VXLAN, the node's own with host-gw (#src-S80, #src-S82). Calico and canal route /32
 * veths without a bridge: the node's address (docs/lab.md#row-6, #row-7). Any other CNI: the node's address, said to be
 * an assumption.
 */
export function masqueradeOnNode(cni: CniInfo, node: NodeInfo, endpointNode: string | null): MasqueradeAddress {
  const own = nodeAddress(node);
  const { name, backend } = cniOn(cni, node);
  if (name === 'flannel') {
    const podCIDR = node.podCIDRs.find((c) => !c.includes(':')) ?? null;
    if (endpointNode === node.name) {
      const bridge = podCIDR ? firstHostAddress(podCIDR) : null;
      if (bridge) return { peer: address('node', bridge), why: `the cni0 bridge's gateway address (flannel, endpoint on ${node.name})` };
      return { peer: own, why: `assumed: the node's address (flannel, but ${node.name} has no pod CIDR for the cni0 gateway)` };
    }
    if (backend === 'host-gw') return { peer: own, why: 'the node interface (flannel host-gw routes other pod CIDRs through it)' };
    const vtep = podCIDR ? networkAddress(podCIDR) : null;
    if (backend === 'vxlan' && vtep) return { peer: address('node', vtep), why: "flannel.1's address (flannel VXLAN, endpoint on another node)" };
    return { peer: own, why: `assumed: the node's address (flannel backend ${backend ?? 'not annotated'} on ${node.name})` };
  }
  if (ROUTED_CNIS.has(name)) return { peer: own, why: `the node's address (${name} routes pods over /32 veths, no bridge)` };
  return { peer: own, why: `assumed: the node's address (CNI ${name}; a bridge CNI would write its gateway towards a local endpoint)` };
}

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
  masquerade: PredictedAddress = nodeAddress(node),
): NodeDelivery {
  if (policy === 'Cluster') return { action: 'forward', peer: masquerade, snat: true };
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
  cni?: CniInfo,
): PredictedAddress {
  const hairpin = callerPodIP !== null && callerPodIP === endpoint.ip;
  if (!hairpin || !endpointNode) return peer;
  // The hairpinned packet leaves towards a pod on the same node: a bridge CNI's gateway address (docs/domain.md#s2.12).
  return cni ? masqueradeOnNode(cni, endpointNode, endpointNode.name).peer : nodeAddress(endpointNode);
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
 * kube-proxy writes rules for an LB address only where the status has it as an `ip` with ipMode VIP or unset, on every
 * node (docs/domain.md#s2.6, #s2.7): a pod's request for it is intercepted on its own node and never reaches the load
 * balancer. An `ipMode: Proxy` address, or one published only as a hostname, really goes out to the LB.
 */
export function isShortCircuitedInCluster(service: ServiceInfo, lbAddress: string): boolean {
  const ingress = service.loadBalancerIngress.find((i) => i.ip === lbAddress);
  return ingress !== undefined && ingress.ipMode !== 'Proxy';
}

/** Where a request from inside the cluster starts: the prober, its node, and what kube-proxy can tell about it. */
export interface InClusterSource {
  /** The prober as the first hop sees it: the client, with its address when known. */
  self: PredictedAddress;
  node: NodeInfo | null;
  /** It runs in the host network: its packets are the node's own (`--src-type LOCAL`, docs/domain.md#s2.9). */
  hostNetwork: boolean;
  /** kube-proxy knows a cluster CIDR that holds the prober's address, so its "pod traffic" rule matches (docs/domain.md#s2.7). */
  podTraffic: boolean;
  /** The cluster's CNI, per node where known: which address a masquerade on the prober's node writes (docs/domain.md#s2.12). */
  cni?: CniInfo;
}

/**
 * Whether kube-proxy's local-traffic detector takes `address` for pod traffic: it needs a cluster CIDR
 * (`detectLocalMode: ClusterCIDR`, docs/domain.md#s2.7), and the address must lie in it. An unknown address is a pod's.
 */
export function isPodTraffic(clusterCIDR: string | null | undefined, address: string | null): boolean {
  const ranges = (clusterCIDR ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  if (ranges.length === 0) return false;
  return address === null || ranges.some((range) => cidrContains(range, address));
}

/** What KUBE-EXT does with a packet that starts on this node, and which rule decided it. */
export type InClusterDelivery =
  | { action: 'forward'; peer: PredictedAddress; rule: 'masquerade' | 'pod-traffic' | 'local-traffic' | 'local-endpoint' }
  | { action: 'drop'; rule: 'no-local-endpoint' }
  | { action: 'reject'; rule: 'no-endpoints' };

/**
 * kube-proxy's KUBE-EXT chain for a request that starts on the node it hits: a VIP-mode LB address (intercepted on
 * every node) or the node's own NodePort (docs/domain.md#s2.7). No endpoint at all: REJECT. `Cluster` masquerades;
 * `Local` sends pod traffic to any endpoint unchanged when kube-proxy can tell it (the "pod traffic" rule), masquerades
 * the node's own traffic to any endpoint, and otherwise uses only this node's endpoints or drops. A masquerade writes
 * the address of the interface the packet leaves by (docs/domain.md#s2.9): the node's, which for a prober in the host
 * network is its own.
 */
export function kubeExtFromInside(policy: TrafficPolicy, service: ServiceInfo, from: InClusterSource): InClusterDelivery {
  if (readyEndpoints(service).length === 0) return { action: 'reject', rule: 'no-endpoints' };
  // The masquerade's address depends on where the endpoint the path shows is (docs/domain.md#s2.12).
  const endpointNode = from.node ? (representativeEndpoint(service, from.node.name)?.nodeName ?? null) : null;
  const onNode = from.node ? (from.cni ? masqueradeOnNode(from.cni, from.node, endpointNode).peer : nodeAddress(from.node)) : address('node', null);
  const masqueraded = from.hostNetwork ? from.self : onNode;
  if (policy === 'Cluster') return { action: 'forward', peer: masqueraded, rule: 'masquerade' };
  if (from.hostNetwork) return { action: 'forward', peer: masqueraded, rule: 'local-traffic' };
  if (from.podTraffic) return { action: 'forward', peer: from.self, rule: 'pod-traffic' };
  if (from.node && hasReadyEndpointOn(service, from.node.name)) return { action: 'forward', peer: from.self, rule: 'local-endpoint' };
  return { action: 'drop', rule: 'no-local-endpoint' };
}

/**
 * A request that leaves the prober's node (for a Proxy-mode LB, another node's NodePort or host port): the CNI
 * masquerades pod traffic to destinations outside the pod network, node addresses included, unless natOutgoing is off
 * (docs/domain.md#s2.8; unknown counts as on). A prober in the host network already sends from its node's address.
 */
export function leavingTheNode(cni: CniInfo, from: InClusterSource): PredictedAddress {
  return from.hostNetwork ? from.self : egressSource(cni, from.node, from.self);
}

/**
 * A request from a pod on another node arriving at `node`'s NodePort: still the pod's own address and inside the
 * cluster CIDR, it takes the "pod traffic" rule to any endpoint (docs/domain.md#s2.7); masqueraded to its node, it is
 * external traffic like an outside client's (docs/domain.md#s2.5).
 */
export function podTrafficAtOtherNode(arrived: PredictedAddress, from: InClusterSource): boolean {
  return from.podTraffic && !from.hostNetwork && arrived.role === from.self.role && arrived.address === from.self.address;
}

/** Terminating but still serving (EndpointSlice conditions serving and terminating both true, docs/domain.md#s3). */
const servingTerminating = (e: EndpointInfo) => !e.ready && e.serving === true && e.terminating === true;

/**
 * The endpoints kube-proxy sends to (`CategorizeEndpoints`, docs/domain.md#s3.1): the ready ones, or when there is
 * none anywhere, those terminating but still serving.
 */
export function readyEndpoints(service: ServiceInfo): EndpointInfo[] {
  const ready = service.endpoints.filter((e) => e.ready);
  return (ready.length > 0 ? ready : service.endpoints.filter(servingTerminating)).sort((a, b) => a.ip.localeCompare(b.ip));
}

/** Whether `Local` traffic on `nodeName` has an endpoint: a ready local one, else a local one terminating but serving (docs/domain.md#s3.1). */
export function hasReadyEndpointOn(service: ServiceInfo, nodeName: string): boolean {
  return service.endpoints.some((e) => (e.ready || servingTerminating(e)) && e.nodeName === nodeName);
}

/** The local endpoints `Local` policy uses on `nodeName` (docs/domain.md#s3.1), by address. */
export function localEndpointsOn(service: ServiceInfo, nodeName: string): EndpointInfo[] {
  const local = service.endpoints.filter((e) => e.nodeName === nodeName);
  const ready = local.filter((e) => e.ready);
  return (ready.length > 0 ? ready : local.filter(servingTerminating)).sort((a, b) => a.ip.localeCompare(b.ip));
}

/**
 * The endpoint a request through `node` is shown reaching: a local one when there is one (required for Local,
 * and what an L2 announcing node prefers to show), else the first ready endpoint by address. kube-proxy picks
 * at random under Cluster, which does not change the source address (docs/lab.md#row-6–#row-7).
 */
export function representativeEndpoint(service: ServiceInfo, nodeName: string | null): EndpointInfo | null {
  const usable = readyEndpoints(service);
  const local = !nodeName ? undefined : service.externalTrafficPolicy === 'Local' ? localEndpointsOn(service, nodeName)[0] : usable.find((e) => e.nodeName === nodeName);
  return local ?? usable[0] ?? null;
}

/** Nodes a load balancer may send to: ready, with an address, not labelled exclude-from-external-load-balancers. */
export function eligibleLoadBalancerNodes(nodes: NodeInfo[]): NodeInfo[] {
  return nodes.filter((n) => n.ready && n.internalIP !== null && !n.excludeFromExternalLB);
}

/** The ingress controller a Service fronts: the one naming it, else the one whose pods are its endpoints. */
export function controllerBehind(inventory: ClusterInventory, svc: ServiceInfo): IngressControllerInfo | null {
  const controllers = inventory.ingressControllers;
  const isEndpoint = (c: IngressControllerInfo) =>
    svc.endpoints.some((e) =>
      c.pods.some((p) => (e.targetRef ? e.targetRef.name === p.name && (e.targetRef.namespace ?? svc.namespace) === p.namespace : e.ip === p.ip)),
    );
  return controllers.find((c) => c.namespace === svc.namespace && c.service === svc.name) ?? controllers.find(isEndpoint) ?? null;
}

/** The controller pod that answers on `nodeName` (Local needs one there), else its first ready pod by name. */
export function controllerPodFor(controller: IngressControllerInfo, nodeName: string | null) {
  const ready = controller.pods.filter((p) => p.ready).sort((a, b) => a.name.localeCompare(b.name));
  return ready.find((p) => p.nodeName === nodeName) ?? ready[0] ?? null;
}
