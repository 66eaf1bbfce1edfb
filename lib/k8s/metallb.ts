import type { V1ConfigMap } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { LoadBalancerPool, NodeInfo, PoolMode } from '../types';
import { addressInRange } from './addresses';
import { labelSelectorMatches } from './labels';
import type { MetalLbAdvertisement, MetalLbIPAddressPool, RawMetalLbObjects } from './raw';

/** An advertisement selects a pool by name, by pool label selector, or — with neither set — every pool (docs/domain.md#s4). */
function advertisementSelectsPool(adv: MetalLbAdvertisement, pool: MetalLbIPAddressPool): boolean {
  const names = adv.spec?.ipAddressPools ?? [];
  const selectors = adv.spec?.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return true;
  const poolName = pool.metadata?.name ?? '';
  return names.includes(poolName) || selectors.some((s) => labelSelectorMatches(s, pool.metadata?.labels));
}

/** Nodes an advertisement limits announcements to; null = all nodes (empty nodeSelectors). */
function advertisementNodes(adv: MetalLbAdvertisement, nodes: NodeInfo[]): string[] | null {
  const selectors = adv.spec?.nodeSelectors ?? [];
  if (selectors.length === 0) return null;
  return nodes.filter((n) => selectors.some((s) => labelSelectorMatches(s, n.labels))).map((n) => n.name);
}

function combineModes(l2: boolean, bgp: boolean): PoolMode {
  if (l2 && bgp) return 'layer2+bgp';
  if (l2) return 'layer2';
  if (bgp) return 'bgp';
  // A pool no advertisement selects hands out addresses that nobody announces.
  return 'none';
}

/** MetalLB v0.13+ CRDs: IPAddressPools with the mode given by the L2/BGP advertisements that select them. */
export function metallbCrdPools(objects: RawMetalLbObjects, nodes: NodeInfo[]): LoadBalancerPool[] {
  // Each advertisement's nodes once, not once per pool: pools × advertisements × nodes would not stay small.
  const nodesOf = new Map<MetalLbAdvertisement, string[] | null>();
  const limitOf = (a: MetalLbAdvertisement) => {
    if (!nodesOf.has(a)) nodesOf.set(a, advertisementNodes(a, nodes));
    return nodesOf.get(a)!;
  };
  return objects.ipAddressPools.map((pool) => {
    const l2 = objects.l2Advertisements.filter((a) => advertisementSelectsPool(a, pool));
    const bgp = objects.bgpAdvertisements.filter((a) => advertisementSelectsPool(a, pool));
    const limits = [...l2, ...bgp].map(limitOf);
    const nodeSelectorNodes =
      limits.length === 0 || limits.some((l) => l === null) ? [] : [...new Set(limits.flatMap((l) => l ?? []))].sort();
    return {
      name: pool.metadata?.name ?? '',
      addresses: pool.spec?.addresses ?? [],
      mode: combineModes(l2.length > 0, bgp.length > 0),
      autoAssign: pool.spec?.autoAssign ?? true,
      origin: 'crd' as const,
      nodeSelectorNodes,
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

interface LegacyAddressPool {
  name?: string;
  protocol?: string;
  addresses?: string[];
  'auto-assign'?: boolean;
}

/** MetalLB ≤ v0.12: ConfigMap metallb-system/config, key `config`, `address-pools[]` with `protocol` (docs/domain.md#s4). */
export function metallbLegacyPools(configMap: V1ConfigMap | undefined): LoadBalancerPool[] {
  const text = configMap?.data?.config;
  if (!text) return [];
  let config: { 'address-pools'?: LegacyAddressPool[] } | null;
  try {
    config = parse(text) as typeof config;
  } catch {
    return [];
  }
  return (config?.['address-pools'] ?? []).map((pool) => ({
    name: pool.name ?? '',
    addresses: pool.addresses ?? [],
    mode: pool.protocol === 'bgp' ? ('bgp' as const) : pool.protocol === 'layer2' ? ('layer2' as const) : ('none' as const),
    autoAssign: pool['auto-assign'] ?? true,
    origin: 'configmap' as const,
    nodeSelectorNodes: [],
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The pool an address was handed out from, when the allocation annotation is missing. */
export function poolContaining(ip: string, pools: LoadBalancerPool[]): LoadBalancerPool | null {
  return pools.find((p) => p.addresses.some((range) => addressInRange(ip, range))) ?? null;
}

export interface MetalLbAnnouncers {
  /** ServiceL2Status: the one node answering ARP/NDP for the Service's VIP. */
  l2Node: string | null;
  /** ServiceBGPStatus: every node advertising the Service's VIP. */
  bgpNodes: string[];
}

/** Announcing nodes per Service, keyed "<namespace>/<name>", from the speaker's status CRs (MetalLB v0.14.4+/v0.15+). */
export function metallbAnnouncers(objects: RawMetalLbObjects): Map<string, MetalLbAnnouncers> {
  const byService = new Map<string, MetalLbAnnouncers>();
  const entry = (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    let found = byService.get(key);
    if (!found) byService.set(key, (found = { l2Node: null, bgpNodes: [] }));
    return found;
  };
  for (const status of objects.serviceL2Statuses) {
    const s = status.status;
    if (s?.serviceName && s.serviceNamespace && s.node) entry(s.serviceNamespace, s.serviceName).l2Node = s.node;
  }
  for (const status of objects.serviceBGPStatuses) {
    const s = status.status;
    if (s?.serviceName && s.serviceNamespace && s.node) {
      const found = entry(s.serviceNamespace, s.serviceName);
      if (!found.bgpNodes.includes(s.node)) found.bgpNodes.push(s.node);
    }
  }
  for (const found of byService.values()) found.bgpNodes.sort();
  return byService;
}

/** MetalLB writes the pool on the Service; the legacy prefix is still accepted (docs/domain.md#s4). */
export function allocatedPoolAnnotation(annotations: Record<string, string> | undefined): string | null {
  return annotations?.['metallb.io/ip-allocated-from-pool'] ?? annotations?.['metallb.universe.tf/ip-allocated-from-pool'] ?? null;
}
