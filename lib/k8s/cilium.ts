import type { V1ConfigMap } from '@kubernetes/client-node';
import type { CiliumDsrDispatch, CiliumInfo, CiliumLbMode, LoadBalancerPool, NodeInfo, PoolMode } from '../types';
import { CILIUM_DSR_DISPATCHES, CILIUM_LB_MODES } from '../contract/enums';
import { addressInRange } from './addresses';
import { labelSelectorMatches } from './labels';
import type { CiliumL2Policy, RawCiliumObjects } from './raw';

// Cilium's service load balancing as discovery reads it: kube-system/cilium-config (docs/domain.md#s2.10.1, #s2.10.2),
// LB IPAM pools, L2 announcement policies and the Leases that name the announcing node (docs/domain.md#s2.10.3).

export const CILIUM_CONFIGMAP = 'kube-system/cilium-config';
/** Leases of L2 announcements: `cilium-l2announce-<namespace>-<service>` in Cilium's namespace (docs/domain.md#s2.10.3). */
export const L2_LEASE_PREFIX = 'cilium-l2announce-';

const isTrue = (v: string | undefined) => v?.trim().toLowerCase() === 'true';

/**
 * Whether Cilium's eBPF load balancer takes the node's NodePort / LB / externalIPs traffic (docs/domain.md#s2.10.1):
 * `kube-proxy-replacement: true` (1.14+; `strict` up to 1.13), or `enable-node-port: true` with a partial / disabled
 * replacement (the load-balancer config counts KPR as on when either is set, pkg/loadbalancer/config.go).
 */
function replaces(kpr: string | undefined, nodePort: string | undefined): boolean {
  const value = kpr?.trim().toLowerCase();
  return value === 'true' || value === 'strict' || isTrue(nodePort);
}

const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | null => {
  const value = v?.trim().toLowerCase();
  return list.find((x) => x === value) ?? null;
};

/**
 * The load-balancer settings of kube-system/cilium-config; every key not present is its default, and said so in
 * `assumed` (docs/domain.md#s2.10.1). No ConfigMap: all defaults, assumed. null when Cilium is not in the cluster.
 */
export function ciliumInfo(configMap: V1ConfigMap | undefined, ciliumRuns: boolean): CiliumInfo | null {
  if (!configMap && !ciliumRuns) return null;
  const data = configMap?.data ?? {};
  const assumed: string[] = [];
  const kpr = data['kube-proxy-replacement']?.trim() || null;
  if (kpr === null) assumed.push('kube-proxy-replacement=false');
  else if (kpr.toLowerCase() === 'strict') assumed.push('kube-proxy-replacement=strict read as true (its meaning up to 1.13; 1.14 deprecated it for true)');
  const rawMode = data['bpf-lb-mode'] ?? data['node-port-mode'];
  const lbMode: CiliumLbMode = oneOf(CILIUM_LB_MODES, rawMode) ?? 'snat';
  if (oneOf(CILIUM_LB_MODES, rawMode) === null) assumed.push(rawMode === undefined ? 'bpf-lb-mode=snat' : `bpf-lb-mode=snat (${rawMode} is not a mode)`);
  const rawDispatch = data['bpf-lb-dsr-dispatch'];
  const dsrDispatch: CiliumDsrDispatch = oneOf(CILIUM_DSR_DISPATCHES, rawDispatch) ?? 'opt';
  // DSR settings matter where DSR can happen: a DSR or hybrid default, or the per-Service annotation (docs/domain.md#s2.10.2).
  const dsrPossible = lbMode !== 'snat' || isTrue(data['bpf-lb-mode-annotation']);
  if (dsrPossible && oneOf(CILIUM_DSR_DISPATCHES, rawDispatch) === null) assumed.push('bpf-lb-dsr-dispatch=opt');
  // Before routing-mode (1.14), `tunnel: disabled` meant native routing and `tunnel: vxlan|geneve` the protocol.
  const legacyTunnel = data['tunnel']?.trim().toLowerCase();
  const routingMode = data['routing-mode']?.trim().toLowerCase() || (legacyTunnel === 'disabled' ? 'native' : legacyTunnel ? 'tunnel' : null);
  if (routingMode === null && dsrPossible) assumed.push('routing-mode=tunnel');
  const tunnelProtocol = data['tunnel-protocol']?.trim().toLowerCase() || (legacyTunnel && legacyTunnel !== 'disabled' ? legacyTunnel : 'vxlan');
  const healthCheck = data['enable-health-check-nodeport'];
  return {
    configMap: configMap ? CILIUM_CONFIGMAP : null,
    kubeProxyReplacement: kpr,
    replacesKubeProxy: replaces(kpr ?? undefined, data['enable-node-port']),
    lbMode,
    lbModeAnnotation: isTrue(data['bpf-lb-mode-annotation']),
    dsrDispatch,
    routingMode: routingMode ?? 'tunnel',
    tunnelProtocol,
    enableHealthCheckNodePort: healthCheck === undefined ? true : isTrue(healthCheck),
    assumed: configMap ? assumed : ['kube-system/cilium-config not read: every setting at its default'],
  };
}

/** A pool block as an address range addressInRange understands: a CIDR, `start-stop`, or a lone `start`. */
function blockRange(block: { cidr?: string; start?: string; stop?: string }): string | null {
  if (block.cidr) return block.cidr;
  if (block.start) return block.stop ? `${block.start}-${block.stop}` : block.start;
  return null;
}

/** The L2 policies that announce LoadBalancer addresses (`loadBalancerIPs: true`; false by default, docs/domain.md#s2.10.3). */
const announcesLbIPs = (p: CiliumL2Policy) => p.spec?.loadBalancerIPs === true;

/**
 * CiliumLoadBalancerIPPools as LoadBalancerPools (docs/domain.md#s2.10.3). Mode: layer2 when an L2 announcement
 * policy announces LB addresses, else unknown (BGP is not read). A disabled pool still holds what it allocated.
 */
export function ciliumPools(objects: RawCiliumObjects, nodes: NodeInfo[]): LoadBalancerPool[] {
  const l2 = objects.l2Policies.filter(announcesLbIPs);
  const mode: PoolMode = l2.length > 0 ? 'layer2' : 'unknown';
  const allNodes = l2.length === 0 || l2.some((p) => !p.spec?.nodeSelector);
  const nodeSelectorNodes = allNodes
    ? []
    : nodes.filter((n) => l2.some((p) => labelSelectorMatches(p.spec?.nodeSelector, n.labels))).map((n) => n.name).sort();
  return objects.ipPools
    .map((pool) => ({
      name: pool.metadata?.name ?? '',
      addresses: (pool.spec?.blocks ?? []).map(blockRange).filter((r): r is string => r !== null),
      mode,
      autoAssign: pool.spec?.disabled !== true,
      origin: 'crd' as const,
      nodeSelectorNodes,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The Cilium pool holding `ip`, by its blocks. */
export function ciliumPoolContaining(ip: string, pools: LoadBalancerPool[]): LoadBalancerPool | null {
  return pools.find((p) => p.addresses.some((range) => addressInRange(ip, range))) ?? null;
}

/**
 * The announcing node per Service "<namespace>/<name>": the holderIdentity of Lease
 * kube-system/cilium-l2announce-<namespace>-<name> (docs/domain.md#s2.10.3). Namespace and name are joined by "-", so a
 * lease name is matched against the Services that exist rather than split.
 */
export function ciliumL2Announcers(objects: RawCiliumObjects, services: { namespace: string; name: string }[]): Map<string, string> {
  const holders = new Map<string, string>();
  for (const lease of objects.leases) {
    const name = lease.metadata?.name ?? '';
    const holder = lease.spec?.holderIdentity;
    if (name.startsWith(L2_LEASE_PREFIX) && holder) holders.set(name.slice(L2_LEASE_PREFIX.length), holder);
  }
  const byService = new Map<string, string>();
  for (const s of services) {
    const holder = holders.get(`${s.namespace}-${s.name}`);
    if (holder) byService.set(`${s.namespace}/${s.name}`, holder);
  }
  return byService;
}
