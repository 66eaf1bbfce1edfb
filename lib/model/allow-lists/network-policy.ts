// NetworkPolicy ipBlock peers of the ingress rules that select a pod on the path (docs/domain.md#s10.3, #src-S74):
// the CNI checks the source of the packet as the pod receives it — the client under Local, the masquerading node under
// Cluster, the ingress controller pod behind an Ingress. Selector peers (podSelector / namespaceSelector) are beyond an
// address view: they can admit a controller pod, and then every client with it.
import type { NetworkPolicyInfo, PodInfo } from '@/lib/types';
import type { PathPlan, Run } from '../plan';
import { labelSelectorMatches } from '../selectors';
import { type AllowListCheck, type AddressList, type Range, judgeList, restricts } from './verdict';

/** A pod the path delivers to, and the stage that stands for it. */
export interface PodAtStage {
  index: number;
  pod: PodInfo;
}

/** Policies that isolate `pod` for ingress: same namespace, podSelector matching its labels (an empty one selects all). */
export function policiesSelecting(policies: readonly NetworkPolicyInfo[], pod: PodInfo): NetworkPolicyInfo[] {
  return policies.filter((p) => p.namespace === pod.namespace && p.ingressIsolation && labelSelectorMatches(p.podSelector, pod.labels));
}

/**
 * The union of every selecting policy's ipBlocks, as one allow-list; null when an address is not what decides: no rule
 * (nothing gets in at all), a rule with no `from` (everything gets in), or rules with selector peers only.
 * Ports are not compared: each rule is taken to cover the path's port.
 */
export function ipBlockList(selecting: readonly NetworkPolicyInfo[]): { list: AddressList; policies: NetworkPolicyInfo[]; selectorPeers: boolean } | null {
  const rules = selecting.flatMap((p) => p.ingress.map((rule) => ({ policy: p, rule })));
  if (rules.length === 0 || rules.some(({ rule }) => rule.from.length === 0)) return null;
  const ranges: Range[] = [];
  const policies = new Set<NetworkPolicyInfo>();
  for (const { policy, rule } of rules) {
    for (const peer of rule.from) {
      if (!peer.ipBlock) continue;
      ranges.push({ cidr: peer.ipBlock.cidr, except: peer.ipBlock.except });
      policies.add(policy);
    }
  }
  if (ranges.length === 0) return null;
  const selectorPeers = rules.some(({ rule }) => rule.from.some((peer) => !peer.ipBlock));
  return { list: { mode: 'allow', ranges }, policies: [...policies], selectorPeers };
}

export function networkPolicyChecks(plan: PathPlan, honest: Run): AllowListCheck[] {
  const policies = plan.context.networkPolicies ?? [];
  if (policies.length === 0) return [];
  const out: AllowListCheck[] = [];
  for (const { index, pod } of plan.context.podsAtStages ?? []) {
    if (pod.hostNetwork || (honest.failure && honest.failure.index < index)) continue;
    const seen = honest.arrivals[index]?.peer;
    const found = ipBlockList(policiesSelecting(policies, pod));
    if (!seen || !found || !restricts(found.list)) continue;
    const [first] = found.policies;
    let verdict = judgeList(found.list, seen);
    let assumption: string | null = null;
    // The node that masqueraded is the pod's own: the API leaves undefined whether the CNI checks before or after
    // the rewrite, and a pod cannot block traffic from its resident node.
    if (seen.role === 'node' && plan.context.node?.name !== undefined && plan.context.node.name === pod.nodeName) {
      verdict = 'unknown';
      assumption = `${pod.nodeName} masquerades the client and runs ${pod.name} itself: whether the CNI checks the ipBlock before or after that rewrite is not defined, and a pod cannot block traffic from its own node. The result depends on the CNI.`;
    } else if (verdict === 'blocks-everyone' && found.selectorPeers && seen.role !== 'node' && seen.role !== 'loadBalancer') {
      verdict = 'unknown';
      assumption = `a podSelector / namespaceSelector peer of the same policies may admit ${seen.address ?? 'the sending pod'} (hopscope judges only ipBlock); if it does, every client passes with it.`;
    }
    out.push({
      kind: 'network-policy',
      verdict,
      list: found.list,
      object: { kind: 'NetworkPolicy', namespace: first!.namespace, name: first!.name },
      // Policies add up: the list is the union of every selecting policy's ipBlocks.
      field: `spec.ingress[].from[].ipBlock${found.policies.length > 1 ? ` (with ${found.policies.slice(1).map((p) => p.name).join(', ')})` : ''}`,
      stageIndex: index,
      seen,
      assumption,
      enforcedBy: `the CNI at ${pod.namespace}/${pod.name}`,
    });
  }
  return out;
}
