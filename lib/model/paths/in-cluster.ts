// The ways in as a pod of the cluster takes them (docs/vantages.md): kube-proxy's interception of VIP-mode LB
// addresses on the pod's own node, its "pod traffic" rule, the CNI's masquerade of what leaves the node, hairpin.
// Each builder returns the stages from the prober up to where the path's tail starts, and why it differs.
import type { NodeInfo, PodInfo, ServiceInfo } from '@/lib/types';
import { type InClusterDelivery, type InClusterSource, isShortCircuitedInCluster, kubeExtFromInside, leavingTheNode, podTrafficAtOtherNode } from '../kubeproxy';
import type { LoadBalancerBehaviour } from '../loadbalancers';
import type { InClusterWay, Stage } from '../plan';
import { clusterIPStage, hostStage, inClusterClientStage, leaveNodeStage, otherNodePortStage, ownNodeStage } from '../stages';
import type { Model } from './model';

/** A way in without its tail: the stages from the prober and the note (plans.ts appends the tail). */
export type InClusterPrefix = (from: InClusterSource) => InClusterWay;

const where = (from: InClusterSource) => (from.node ? from.node.name : "the pod's node");

/**
 * kube-proxy's rules are written for iptables mode; other modes are assumed to behave alike (docs/domain.md#s2.4).
 * Cilium replacing kube-proxy answers pods with its socket load balancer, which this view does not model
 * (docs/domain.md#s2.10.4): said so rather than implied.
 */
function modeCaveat(m: Model): string {
  if (m.inventory.cilium?.replacesKubeProxy) {
    return " (Cilium replaces kube-proxy: its socket load balancer, which connects a pod straight to a backend, is not modelled here; kube-proxy's iptables-mode rules are assumed)";
  }
  const mode = m.inventory.kubeProxy.mode;
  return mode === 'iptables' || mode === 'nftables' ? '' : ` (kube-proxy mode ${mode}: its iptables-mode rules are assumed)`;
}

function noPodTrafficRule(m: Model): string {
  const cidr = m.inventory.kubeProxy.clusterCIDR;
  return cidr ? `the pod's address is outside kube-proxy's cluster CIDR ${cidr}` : 'no cluster CIDR known to kube-proxy';
}

function deliveryText(delivery: InClusterDelivery, from: InClusterSource, m: Model): string {
  switch (delivery.rule) {
    case 'masquerade':
      return `Cluster policy masquerades it to ${where(from)}'s address`;
    case 'pod-traffic':
      return `Local policy, but kube-proxy's "pod traffic" rule (cluster CIDR ${m.inventory.kubeProxy.clusterCIDR}) sends it to any endpoint with the pod's own address`;
    case 'local-traffic':
      return "Local policy, but the node's own traffic is masqueraded and sent to any endpoint";
    case 'local-endpoint':
      return `Local policy and ${noPodTrafficRule(m)}: only ${where(from)}'s own endpoint takes it, with the pod's address`;
    case 'no-local-endpoint':
      return `Local policy and ${noPodTrafficRule(m)}: ${where(from)} has no endpoint, so it is dropped`;
    case 'no-endpoints':
      return 'the Service has no ready endpoint: refused';
  }
}

/** What the CNI does to a request that leaves the prober's node (docs/domain.md#s2.8). */
function leavingText(m: Model, from: InClusterSource): string {
  if (from.hostNetwork) return "it leaves with the node's own address";
  const nat = m.inventory.cni.natOutgoing;
  if (nat === false) return "it leaves with the pod's own address (natOutgoing off)";
  return `the CNI masquerades it to ${where(from)}'s address on the way out${nat === null ? ' (natOutgoing unknown: assumed on)' : ''}`;
}

/** An LB address: intercepted on the prober's node (ipMode VIP or unset), or really sent to the LB. */
export function loadBalancerWay(m: Model, svc: ServiceInfo, lbAddress: string, behaviour: LoadBalancerBehaviour, outside: Stage[]): InClusterPrefix {
  if (!isShortCircuitedInCluster(svc, lbAddress)) {
    const ingress = svc.loadBalancerIngress.find((i) => i.ip === lbAddress);
    const why = ingress ? `${lbAddress} has ipMode Proxy` : `${lbAddress} is published as a hostname`;
    return (from) => ({
      stages: [inClusterClientStage(from), leaveNodeStage(m.inventory.cni, from), ...outside.slice(1)],
      note: `${why}: a pod's request really goes to the load balancer; ${leavingText(m, from)}.${modeCaveat(m)}`,
      shortCircuit: false,
    });
  }
  const ipMode = svc.loadBalancerIngress.find((i) => i.ip === lbAddress)?.ipMode ?? 'unset';
  const missed = [behaviour.proxyProtocol ? 'no PROXY preamble' : null, behaviour.xForwardedFor ? 'no X-Forwarded-For from the LB' : null].filter(Boolean);
  return (from) => {
    const policy = svc.externalTrafficPolicy ?? 'Cluster';
    return {
      stages: [inClusterClientStage(from), ownNodeStage(svc, from, `kube-proxy intercepts ${lbAddress}`)],
      note:
        `kube-proxy on ${where(from)} intercepts ${lbAddress} (ipMode ${ipMode}): a pod's request goes straight to the endpoints and never meets the load balancer` +
        `${missed.length > 0 ? ` (${missed.join(', ')})` : ''}; ${deliveryText(kubeExtFromInside(policy, svc, from), from, m)}.${modeCaveat(m)}`,
      shortCircuit: true,
    };
  };
}

/** A NodePort: on the prober's own node kube-proxy's KUBE-EXT decides; another node sees what the CNI made of it. */
export function nodePortWay(m: Model, svc: ServiceInfo, node: NodeInfo, nodePort: number): InClusterPrefix {
  const mode = m.inventory.kubeProxy.mode;
  return (from) => {
    if (from.node?.name === node.name) {
      const policy = svc.externalTrafficPolicy ?? 'Cluster';
      return {
        stages: [inClusterClientStage(from), ownNodeStage(svc, from, `NodePort ${nodePort} on the caller's own node`)],
        note: `${node.name} is the pod's own node: ${deliveryText(kubeExtFromInside(policy, svc, from), from, m)}.${modeCaveat(m)}`,
        shortCircuit: false,
      };
    }
    const arrived = leavingTheNode(m.inventory.cni, from);
    const atNode = podTrafficAtOtherNode(arrived, from)
      ? `${node.name}'s "pod traffic" rule sends it to any endpoint unchanged`
      : `${node.name} treats it as an outside client with that address`;
    return {
      stages: [inClusterClientStage(from), leaveNodeStage(m.inventory.cni, from), otherNodePortStage(svc, node, nodePort, { kind: 'kube-proxy', mode }, m.inventory.cni, from)],
      note: `a pod on ${from.node ? from.node.name : 'another node'} calling ${node.name}'s NodePort: ${leavingText(m, from)}, and ${atNode}.${modeCaveat(m)}`,
      shortCircuit: false,
    };
  };
}

/** A ClusterIP: a pod's own request, as the path already models it, except a prober that is the only endpoint. */
export function clusterIPWay(svc: ServiceInfo, port: number): InClusterPrefix {
  return (from) => {
    const hairpin = from.self.address !== null && svc.endpoints.some((e) => e.ready && e.ip === from.self.address);
    return {
      stages: [inClusterClientStage(from), clusterIPStage(svc, port, false, { ip: from.self.address, node: from.node, cni: from.cni })],
      note: hairpin ? "the prober is an endpoint of this Service: when kube-proxy sends it to itself, it is masqueraded (hairpin)" : null,
      shortCircuit: false,
    };
  };
}

/** A host port or host-network pod: on the prober's own node it arrives unmasqueraded (docs/domain.md#s2.9). */
export function hostWay(m: Model, pod: PodInfo, node: NodeInfo | null, port: number): InClusterPrefix {
  return (from) => {
    const own = node !== null && from.node?.name === node.name;
    return {
      stages: [inClusterClientStage(from), ...(own ? [] : [leaveNodeStage(m.inventory.cni, from)]), hostStage(pod, node, port)],
      note: own ? null : `a pod on ${from.node ? from.node.name : 'another node'} calling ${node?.name ?? pod.nodeName ?? 'its node'}: ${leavingText(m, from)}.`,
      shortCircuit: false,
    };
  };
}

/** A Service externalIP: kube-proxy on every node captures it, the prober's own node included (docs/domain.md#s2.11). */
export function externalIPWay(m: Model, svc: ServiceInfo, externalIP: string): InClusterPrefix {
  return (from) => {
    const policy = svc.externalTrafficPolicy ?? 'Cluster';
    return {
      stages: [inClusterClientStage(from), ownNodeStage(svc, from, `kube-proxy intercepts externalIP ${externalIP}`)],
      note: `kube-proxy on ${where(from)} intercepts the externalIP ${externalIP}: ${deliveryText(kubeExtFromInside(policy, svc, from), from, m)}.${modeCaveat(m)}`,
      shortCircuit: true,
    };
  };
}
