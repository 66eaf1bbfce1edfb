// Whether a proxy's trusted-address list (nginx set_real_ip_from, traefik trustedIPs) covers an address.
import { cidrContains, createCidrMatcher, formatCidr, parseCidr } from '@/lib/net/cidr';
import type { ClusterInventory } from '@/lib/types';
import type { PredictedAddress } from './types';

export interface TrustContext {
  /** Pod ranges (node podCIDRs, kube-proxy clusterCIDR): a trusted range inside them names pods, not a load balancer. */
  podCIDRs: string[];
}

export function trustContextOf(inventory: ClusterInventory): TrustContext {
  const ranges = inventory.nodes.flatMap((n) => n.podCIDRs);
  if (inventory.kubeProxy.clusterCIDR) ranges.push(...inventory.kubeProxy.clusterCIDR.split(','));
  return { podCIDRs: [...new Set(ranges.map((r) => r.trim()).filter((r) => r !== ''))] };
}

/** 0.0.0.0/0 or ::/0: ingress-nginx's default proxy-real-ip-cidr trusts every address (docs/domain.md#s6.1 gotcha). */
export function isCatchAll(cidrs: readonly string[]): boolean {
  return cidrs.some((c) => parseCidr(c)?.prefixLength === 0);
}

function isInsidePodRange(cidrText: string, ctx: TrustContext): boolean {
  const cidr = parseCidr(cidrText);
  if (!cidr) return false;
  const networkAddress = formatCidr(cidr).split('/')[0] ?? '';
  return ctx.podCIDRs.some((rangeText) => {
    const range = parseCidr(rangeText);
    return range !== null && range.prefixLength <= cidr.prefixLength && cidrContains(range, networkAddress);
  });
}

/**
 * Trust of one address. The client and forged values have no known address: only a catch-all list covers them
 * (docs/lab.md#row-25, #row-27). A cloud LB's member-port address is not discoverable: it counts as trusted when the list
 * names anything outside the pod ranges — the operator listed it for the load balancer (shown in the hop details).
 */
/** Trusted only by that assumption: an LB whose address is unknown, a list that is no catch-all (docs/domain.md#s6). */
export function isTrustAssumed(a: PredictedAddress, cidrs: readonly string[], ctx: TrustContext): boolean {
  return !isCatchAll(cidrs) && a.address === null && a.role === 'loadBalancer' && isTrusted(a, cidrs, ctx);
}

export function isTrusted(a: PredictedAddress, cidrs: readonly string[], ctx: TrustContext): boolean {
  if (isCatchAll(cidrs)) return true;
  if (a.address !== null) return createCidrMatcher(cidrs).matches(a.address);
  if (a.role === 'loadBalancer') return cidrs.some((c) => parseCidr(c) !== null && !isInsidePodRange(c, ctx));
  return false;
}
