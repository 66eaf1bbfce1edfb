// Cilium's eBPF load balancer in place of kube-proxy on the node a NodePort / LB address / externalIP reaches
// (docs/domain.md#s2.10): SNAT, DSR, hybrid, and the per-Service forwarding-mode annotation.
import type { CiliumInfo, ClusterInventory, NodeInfo, ServiceInfo, TrafficPolicy } from '@/lib/types';
import { type NodeDelivery, nodeAddress } from './kubeproxy';
import type { PredictedAddress } from './types';

/** Who handles Service traffic on a node: kube-proxy in a mode, or Cilium's eBPF load balancer replacing it. */
export type NodeProxy = { kind: 'kube-proxy'; mode: string } | { kind: 'cilium'; cilium: CiliumInfo };

/** Cilium when cilium-config says it replaces kube-proxy (docs/domain.md#s2.10.1); kube-proxy otherwise. */
export function nodeProxyOf(inventory: ClusterInventory): NodeProxy {
  const cilium = inventory.cilium;
  return cilium?.replacesKubeProxy ? { kind: 'cilium', cilium } : { kind: 'kube-proxy', mode: inventory.kubeProxy.mode };
}

export const FORWARDING_MODE_ANNOTATION = 'service.cilium.io/forwarding-mode';

/** How Cilium forwards one Service port to a backend on another node, and what decided it. */
export interface CiliumForwarding {
  mode: 'snat' | 'dsr';
  /** The setting that chose it: "bpf-lb-mode=dsr", "bpf-lb-mode=hybrid (UDP)", "service.cilium.io/forwarding-mode=snat". */
  setBy: string;
}

/**
 * The forwarding of a Service port (docs/domain.md#s2.10.2): with bpf-lb-mode-annotation the Service's
 * service.cilium.io/forwarding-mode (snat | dsr) wins; else bpf-lb-mode, where hybrid is DSR for TCP and SNAT for
 * UDP. DSR applies to TCP and UDP alike; anything that is not TCP under hybrid is SNAT'd.
 */
export function ciliumForwarding(cilium: CiliumInfo, service: ServiceInfo, protocol: string): CiliumForwarding {
  const annotated = service.annotations[FORWARDING_MODE_ANNOTATION]?.trim().toLowerCase();
  if (cilium.lbModeAnnotation && (annotated === 'snat' || annotated === 'dsr')) {
    return { mode: annotated, setBy: `${FORWARDING_MODE_ANNOTATION}=${annotated}` };
  }
  if (cilium.lbMode === 'hybrid') {
    const tcp = protocol.toUpperCase() === 'TCP';
    return { mode: tcp ? 'dsr' : 'snat', setBy: `bpf-lb-mode=hybrid (${tcp ? 'TCP' : protocol.toUpperCase()})` };
  }
  return { mode: cilium.lbMode, setBy: `bpf-lb-mode=${cilium.lbMode}` };
}

/**
 * DSR the agent refuses to start with (pkg/kpr/initializer, docs/domain.md#s2.10.2): tunnel routing needs geneve
 * dispatch, VXLAN cannot carry DSR, and geneve dispatch needs the geneve tunnel protocol. null when it starts.
 */
export function dsrConfigRejection(cilium: CiliumInfo): string | null {
  const usesDsr = cilium.lbMode !== 'snat' || cilium.lbModeAnnotation;
  if (!cilium.replacesKubeProxy || !usesDsr) return null;
  const tunnel = cilium.routingMode !== 'native';
  if (tunnel && cilium.tunnelProtocol === 'vxlan') return `DSR (bpf-lb-mode=${cilium.lbMode}) cannot be used with VXLAN tunnelling`;
  if (tunnel && cilium.dsrDispatch !== 'geneve') return `tunnel routing with DSR requires bpf-lb-dsr-dispatch=geneve (it is ${cilium.dsrDispatch})`;
  if (cilium.dsrDispatch === 'geneve' && cilium.tunnelProtocol !== 'geneve') return `bpf-lb-dsr-dispatch=geneve requires tunnel-protocol=geneve (it is ${cilium.tunnelProtocol})`;
  return null;
}

export interface CiliumNodeDelivery {
  delivery: NodeDelivery;
  forwarding: CiliumForwarding;
}

/**
 * Outside traffic for a NodePort / LB address / externalIP at `node`, handled by Cilium (docs/domain.md#s2.10.2):
 * `Local` keeps the client on a node with a local backend and drops it on one without, as kube-proxy does. Under
 * `Cluster`, DSR keeps the client for every backend (the backend answers the client directly); SNAT keeps it only
 * when the backend is on this node and otherwise writes the node's address (the direct-routing device's, its
 * InternalIP). A SNAT'd Service whose backends are not all on this node is shown with the node's address.
 */
export function ciliumExternalAtNode(
  cilium: CiliumInfo,
  service: ServiceInfo,
  policy: TrafficPolicy,
  node: NodeInfo,
  hasReadyLocalEndpoint: boolean,
  allEndpointsLocal: boolean,
  protocol: string,
  peer: PredictedAddress,
): CiliumNodeDelivery {
  const forwarding = ciliumForwarding(cilium, service, protocol);
  if (policy === 'Local') {
    return { forwarding, delivery: hasReadyLocalEndpoint ? { action: 'forward', peer, snat: false } : { action: 'drop' } };
  }
  if (forwarding.mode === 'dsr' || allEndpointsLocal) return { forwarding, delivery: { action: 'forward', peer, snat: false } };
  return { forwarding, delivery: { action: 'forward', peer: nodeAddress(node), snat: true } };
}

/** The node hop's details for Cilium: what forwards, in which mode, through which dispatch. */
export function ciliumDetails(cilium: CiliumInfo, forwarding: CiliumForwarding): Record<string, string> {
  return {
    'service proxy': 'Cilium eBPF load balancer (kube-proxy replacement)',
    forwarding: forwarding.mode === 'dsr' ? `DSR, dispatch ${cilium.dsrDispatch}` : 'SNAT',
    'set by': forwarding.setBy,
    'routing-mode': cilium.routingMode,
    ...(cilium.assumed.length > 0 ? { assumed: cilium.assumed.join('; ') } : {}),
  };
}
