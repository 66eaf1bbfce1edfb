// The inventory indexed once for building paths: nodes sorted and looked up by name, pods by IP, the trust
// context, and the node ranges fixes suggest for trusted-proxy lists.
import { formatCidr, parseCidr } from '@/lib/net/cidr';
import type { ClusterInventory, NetworkPolicyInfo, NodeInfo, PodInfo } from '@/lib/types';
import { eligibleLoadBalancerNodes } from '../kubeproxy';
import { type TrustContext, trustContextOf } from '../trust';

export interface Model {
  inventory: ClusterInventory;
  trust: TrustContext;
  nodeCIDRs: string[];
  nodes: NodeInfo[];
  /** Ready nodes with an address: where NodePorts answer. */
  readyNodes: NodeInfo[];
  lbEligibleNodes: NodeInfo[];
  nodeByName: Map<string, NodeInfo>;
  podByIp: Map<string, PodInfo>;
  /** The newest kubelet minor version (kubelets lag the control plane, never lead it); null when none is known. */
  kubernetesMinor: number | null;
  /** NetworkPolicies by namespace: a policy selects pods of its own namespace only. */
  policiesByNamespace: Map<string, NetworkPolicyInfo[]>;
}

function kubernetesMinor(nodes: NodeInfo[]): number | null {
  let newest: number | null = null;
  for (const n of nodes) {
    const minor = /^v?1\.(\d+)/.exec(n.kubeletVersion ?? '')?.[1];
    if (minor !== undefined) newest = Math.max(newest ?? 0, Number(minor));
  }
  return newest;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
export const byRef = <T extends { namespace: string; name: string }>(a: T, b: T) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/** The /24 (IPv4) or /64 (IPv6) around each node: a concrete starting point for trusted-proxy lists. */
function nodeCIDRsOf(nodes: NodeInfo[]): string[] {
  const cidrs = nodes
    .map((n) => n.internalIP)
    .filter((ip): ip is string => ip !== null)
    .map((ip) => parseCidr(`${ip}/${ip.includes(':') ? 64 : 24}`))
    .filter((c) => c !== null)
    .map(formatCidr);
  return [...new Set(cidrs)].sort();
}

export function modelOf(inventory: ClusterInventory): Model {
  const nodes = [...inventory.nodes].sort(byName);
  return {
    inventory,
    trust: trustContextOf(inventory),
    nodeCIDRs: nodeCIDRsOf(nodes),
    nodes,
    readyNodes: nodes.filter((n) => n.ready && n.internalIP !== null),
    lbEligibleNodes: eligibleLoadBalancerNodes(nodes),
    nodeByName: new Map(nodes.map((n) => [n.name, n])),
    podByIp: new Map(inventory.pods.filter((p) => p.ip).map((p) => [p.ip!, p])),
    kubernetesMinor: kubernetesMinor(nodes),
    policiesByNamespace: byNamespace(inventory.networkPolicies ?? []),
  };
}

function byNamespace<T extends { namespace: string }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.namespace, [...(out.get(item.namespace) ?? []), item]);
  return out;
}
