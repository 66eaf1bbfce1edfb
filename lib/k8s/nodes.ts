import type { V1ConfigMap, V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { CniInfo, KubeProxyInfo, KubeProxyMode, NodeInfo } from '../types';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** Roles come from `node-role.kubernetes.io/<role>` labels (what `kubectl get nodes` shows), plus legacy `kubernetes.io/role`. */
export function nodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const key of Object.keys(labels)) {
    if (key.startsWith(ROLE_LABEL_PREFIX) && key.length > ROLE_LABEL_PREFIX.length) roles.add(key.slice(ROLE_LABEL_PREFIX.length));
  }
  if (labels['kubernetes.io/role']) roles.add(labels['kubernetes.io/role']);
  return [...roles].sort();
}

export function normalizeNode(node: V1Node): NodeInfo {
  const labels = node.metadata?.labels ?? {};
  const addresses = node.status?.addresses ?? [];
  const address = (type: string) => addresses.find((a) => a.type === type)?.address ?? null;
  const podCIDRs = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
  return {
    name: node.metadata?.name ?? '',
    internalIP: address('InternalIP'),
    externalIP: address('ExternalIP'),
    ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    roles: nodeRoles(labels),
    // The label's presence (any value) excludes the node from LB backends and MetalLB announcements (docs/domain.md#s4).
    excludeFromExternalLB: EXCLUDE_FROM_LB_LABEL in labels,
    providerID: node.spec?.providerID ?? null,
    podCIDRs,
    labels,
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? null,
  };
}

const KNOWN_MODES: KubeProxyMode[] = ['iptables', 'ipvs', 'nftables', 'kernelspace'];

/**
 * kube-proxy's mode from ConfigMap kube-system/kube-proxy key `config.conf` (kubeadm, docs/domain.md#s2.3);
 * an empty mode means iptables on Linux. k3s embeds kube-proxy (iptables by default) and has no ConfigMap,
 * so k3s nodes (kubelet version "+k3s") imply iptables as a default; otherwise a missing ConfigMap is unknown.
 */
/**
 * kube-proxy's KubeProxyConfiguration: kubeadm's kube-system/kube-proxy (key config.conf) or EKS's
 * kube-system/kube-proxy-config (key config), whichever discovery found (docs/domain.md#s2.4).
 */
export function kubeProxyInfo(configMap: V1ConfigMap | undefined, nodes: V1Node[]): KubeProxyInfo {
  const text = configMap?.data?.['config.conf'] ?? configMap?.data?.['config'];
  if (configMap && text !== undefined) {
    const from = `${configMap.metadata?.namespace ?? 'kube-system'}/${configMap.metadata?.name ?? ''}`;
    type Config = { mode?: string; clusterCIDR?: string; ipvs?: { strictARP?: boolean } } | null;
    let config: Config;
    try {
      config = parse(text) as Config;
    } catch {
      return { mode: 'unknown', source: 'unknown', clusterCIDR: null, strictARP: null, configMap: from };
    }
    const raw = String(config?.mode ?? '').trim();
    const clusterCIDR = config?.clusterCIDR || null;
    const strictARP = config?.ipvs?.strictARP === true;
    if (raw === '') return { mode: 'iptables', source: 'default', clusterCIDR, strictARP, configMap: from };
    const mode = KNOWN_MODES.find((m) => m === raw) ?? 'unknown';
    return { mode, source: 'configmap', clusterCIDR, strictARP, configMap: from };
  }
  if (nodes.some((n) => n.status?.nodeInfo?.kubeletVersion?.includes('+k3s'))) {
    return { mode: 'iptables', source: 'default', clusterCIDR: null };
  }
  return { mode: 'unknown', source: 'unknown', clusterCIDR: null };
}

/** CNI by its kube-system DaemonSet / pod names; the order matters (canal runs calico-node and flannel). */
const CNI_SIGNATURES: { name: string; pattern: RegExp; natOutgoing: boolean | null }[] = [
  { name: 'canal', pattern: /^canal/, natOutgoing: null },
  { name: 'cilium', pattern: /^cilium(?!-operator)/, natOutgoing: null },
  { name: 'calico', pattern: /^calico-node/, natOutgoing: null },
  // flannel masquerades pod traffic leaving the pod network by default (--ip-masq in the stock manifests).
  { name: 'flannel', pattern: /^kube-flannel|^flannel/, natOutgoing: true },
  { name: 'weave', pattern: /^weave-net/, natOutgoing: null },
  { name: 'kindnet', pattern: /^kindnet/, natOutgoing: true },
  // Amazon VPC CNI: pods have VPC addresses; traffic leaving the VPC is SNATed to the node unless AWS_VPC_K8S_CNI_EXTERNALSNAT.
  { name: 'aws-vpc-cni', pattern: /^aws-node/, natOutgoing: true },
];

/**
 * CNI detection from kube-system DaemonSets or pods. Pod egress to the outside is SNATed to the node IP by
 * every common CNI default (docs/sources.md#seed-004); `natOutgoing: null` means "not read from config, assume true".
 */
export function detectCni(daemonSets: V1DaemonSet[], pods: V1Pod[], nodes: V1Node[]): CniInfo {
  const names = [
    ...daemonSets.map((d) => d.metadata?.name ?? ''),
    ...pods.filter((p) => p.metadata?.namespace === 'kube-system').map((p) => p.metadata?.name ?? ''),
  ];
  const found = CNI_SIGNATURES.find((sig) => names.some((n) => sig.pattern.test(n)));
  const perNode = cniPerNode(pods, nodes);
  const withNodes = (info: CniInfo): CniInfo => (perNode.length > 0 ? { ...info, nodes: perNode } : info);
  if (found) return withNodes({ name: found.name, natOutgoing: found.natOutgoing });
  // k3s runs flannel inside the k3s binary (no DaemonSet); its kubelets report a "+k3s" version.
  if (nodes.some((n) => n.status?.nodeInfo?.kubeletVersion?.includes('+k3s'))) return withNodes({ name: 'flannel', natOutgoing: true });
  return withNodes({ name: 'unknown', natOutgoing: null });
}

/** flannel's kube subnet manager writes its backend on every Node it manages (docs/domain.md#s2.12, #src-S80). */
const FLANNEL_BACKEND_ANNOTATION = 'flannel.alpha.coreos.com/backend-type';

/**
 * Per node, the CNI whose agent pod runs there and flannel's backend annotation: the address a masquerade writes
 * depends on the node's own pod network (docs/domain.md#s2.12), and a cluster migrating CNIs runs two.
 */
function cniPerNode(pods: V1Pod[], nodes: V1Node[]): NonNullable<CniInfo['nodes']> {
  const agent = new Map<string, string>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (p.metadata?.namespace !== 'kube-system' || !node || agent.has(node)) continue;
    const sig = CNI_SIGNATURES.find((s) => s.pattern.test(p.metadata?.name ?? ''));
    if (sig) agent.set(node, sig.name);
  }
  return nodes
    .map((n) => ({ node: n.metadata?.name ?? '', backend: n.metadata?.annotations?.[FLANNEL_BACKEND_ANNOTATION] ?? null }))
    .filter((n) => n.node !== '' && (agent.has(n.node) || n.backend !== null))
    .map((n) => ({ node: n.node, name: agent.get(n.node) ?? null, backend: n.backend }))
    .sort((a, b) => a.node.localeCompare(b.node));
}
