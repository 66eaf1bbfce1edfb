import type { V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyIngressRule, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import type { LabelSelector, NetworkPolicyInfo, NetworkPolicyPeer } from '../types';

// NetworkPolicies as the allow-list rule reads them (docs/domain.md#s10.3): which pods a policy isolates for ingress
// and each rule's sources and ports. Egress rules say nothing about the address a pod hop sees and are not kept.

const selector = (s: V1LabelSelector | undefined): LabelSelector => ({
  ...(s?.matchLabels ? { matchLabels: s.matchLabels } : {}),
  ...(s?.matchExpressions ? { matchExpressions: s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: e.values } : {}) })) } : {}),
});

function peer(p: V1NetworkPolicyPeer): NetworkPolicyPeer {
  return {
    ...(p.ipBlock ? { ipBlock: { cidr: p.ipBlock.cidr.trim(), except: (p.ipBlock.except ?? []).map((e) => e.trim()) } } : {}),
    ...(p.podSelector ? { podSelector: selector(p.podSelector) } : {}),
    ...(p.namespaceSelector ? { namespaceSelector: selector(p.namespaceSelector) } : {}),
  };
}

/** The wire name is `from`; the client library's model calls it `_from`, and discovery reads plain JSON. */
const sources = (rule: V1NetworkPolicyIngressRule): V1NetworkPolicyPeer[] =>
  (rule as V1NetworkPolicyIngressRule & { from?: V1NetworkPolicyPeer[] }).from ?? rule._from ?? [];

/**
 * policyTypes defaults as the API documents: Ingress always, so a policy without policyTypes isolates its pods for
 * ingress even with no ingress rules (deny all); an explicit list without Ingress leaves ingress open.
 */
export function normalizeNetworkPolicy(policy: V1NetworkPolicy): NetworkPolicyInfo {
  const types = policy.spec?.policyTypes;
  return {
    namespace: policy.metadata?.namespace ?? '',
    name: policy.metadata?.name ?? '',
    podSelector: selector(policy.spec?.podSelector),
    ingressIsolation: types === undefined || types.length === 0 || types.includes('Ingress'),
    ingress: (policy.spec?.ingress ?? []).map((rule) => ({
      from: sources(rule).map(peer),
      ports: (rule.ports ?? []).map((p) => ({
        protocol: p.protocol ?? 'TCP',
        ...(p.port !== undefined ? { port: p.port } : {}),
        ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
      })),
    })),
  };
}
