// spec.loadBalancerSourceRanges of a LoadBalancer Service (docs/domain.md#s10.1, #src-S15, #src-S70, #src-S71).
// kube-proxy filters only packets addressed to a VIP-mode LB address (KUBE-FW, before the masquerade), so a
// pass-through LB is checked against the client. A proxying LB connects to the NodePort, which kube-proxy never
// filters: there the list holds only if the cloud controller turned it into an LB-side filter, which sees the client.
import type { ServiceInfo } from '@/lib/types';
import { isShortCircuitedInCluster } from '../kubeproxy';
import type { PathPlan, Run } from '../plan';
import { type AllowListCheck, type AddressList, judgeList, rangesOf, restricts } from './verdict';

export const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** The list a Service carries: the field wins; the annotation only when the field is empty (cloud-provider helpers). */
function listOf(svc: ServiceInfo): { field: string; ranges: string[]; fromAnnotation: boolean } | null {
  const spec = svc.loadBalancerSourceRanges ?? [];
  if (spec.length > 0) return { field: 'spec.loadBalancerSourceRanges', ranges: spec, fromAnnotation: false };
  const annotation = svc.loadBalancerSourceRangesAnnotation ?? [];
  if (annotation.length > 0) return { field: `metadata.annotations["${SOURCE_RANGES_ANNOTATION}"]`, ranges: annotation, fromAnnotation: true };
  return null;
}

/** Who applies the list to what a pass-through LB or svclb hands on (shown in the finding, were one to fire). */
function enforcer(mode: 'passthrough' | 'svclb', fromAnnotation: boolean, svc: ServiceInfo, lbAddress: string, label: string): string {
  if (mode === 'svclb') return 'klipper-lb (SRC_RANGES) in the svclb pod';
  if (!fromAnnotation && isShortCircuitedInCluster(svc, lbAddress)) return `kube-proxy (KUBE-FW for ${lbAddress}) on the node`;
  return `${label}'s own filter`;
}

export function loadBalancerSourceRangesCheck(plan: PathPlan, honest: Run): AllowListCheck | null {
  const { service: svc, behaviour, lbAddress, provider } = plan.context;
  if (!svc || svc.type !== 'LoadBalancer' || !behaviour || !lbAddress) return null;
  const found = listOf(svc);
  if (!found) return null;
  const list: AddressList = { mode: 'allow', ranges: rangesOf(found.ranges) };
  if (!restricts(list)) return null;
  const lbIndex = plan.stages.findIndex((s) => s.role === 'loadBalancer');
  if (lbIndex < 0) return null;
  const base = { kind: 'load-balancer-source-ranges' as const, list, object: { kind: 'Service', namespace: svc.namespace, name: svc.name }, field: found.field };
  const label = provider?.label ?? 'the load balancer';

  // kube-proxy reads only the field. MetalLB filters nothing itself; k3s ServiceLB's klipper-lb reads the annotation
  // too, but a packet for a node's own address meets kube-proxy first and never reaches it (docs/domain.md#s5).
  const unreadBy = provider?.id === 'metallb' ? 'MetalLB filters nothing itself' : provider?.id === 'servicelb' && behaviour.mode === 'passthrough' ? "kube-proxy takes packets for the node's own address before klipper-lb (which reads the annotation) sees them" : null;
  if (found.fromAnnotation && unreadBy) {
    const seen = honest.arrivals[lbIndex]?.peer ?? { role: 'client' as const, address: null };
    return { ...base, verdict: 'admits-everyone', stageIndex: lbIndex, seen, assumption: null, enforcedBy: null, unread: `kube-proxy reads only spec.loadBalancerSourceRanges, and ${unreadBy}` };
  }
  if (behaviour.mode === 'proxy') {
    const seen = honest.arrivals[lbIndex]?.peer;
    if (!seen) return null;
    return {
      ...base,
      verdict: 'unknown',
      stageIndex: lbIndex,
      seen,
      enforcedBy: `${label}'s listener filter, if the cloud controller created one`,
      assumption: `${label} proxies: it connects to the NodePort from its own address, and kube-proxy filters only packets addressed to ${lbAddress}, so it never applies the list here. Only a filter on ${label}'s listener can, and that one sees the client; hopscope cannot see whether the cloud controller created it (OpenStack sets the listener's allowed_cidrs only where Octavia supports VIP ACLs, else it logs "LoadBalancerSourceRanges is ignored"). Without it, everyone gets in.`,
    };
  }
  // svclb: klipper-lb filters SRC_RANGES in the svclb pod as the packet arrives; passthrough: the node (kube-proxy's
  // KUBE-FW for a VIP-mode address) or the LB's own filter sees what the LB passed on.
  const at = behaviour.mode === 'svclb' ? lbIndex : lbIndex + 1;
  const seen = honest.arrivals[at]?.peer;
  if (!seen) return null;
  return { ...base, verdict: judgeList(list, seen), stageIndex: at, seen, assumption: null, enforcedBy: enforcer(behaviour.mode, found.fromAnnotation, svc, lbAddress, label) };
}
