import type { ResourceCall } from './errors';

// Every read discovery makes of the Kubernetes API, as data. Discovery builds each request and names each
// failure from its entry here, a test checks that these are all the requests it sends, and the chart's
// RBAC is checked against the table: what hopscope reads and what it is granted cannot drift apart.

export interface DiscoveryCall {
  /** API group; "" for the core group. */
  group: string;
  version: string;
  plural: string;
  verb: 'list' | 'get';
  /** A namespaced resource can be granted by a Role; a cluster-scoped one only by a ClusterRole. */
  namespaced: boolean;
  /** The one namespace read; unset: every namespace (a list) or the one a reference names (a get). */
  namespace?: string;
  /** The one object a get reads; unset: the one a reference names. */
  name?: string;
  /** May simply not exist (CRDs, well-known ConfigMaps): a 404 is no error. */
  optional: boolean;
  /**
   * Items kept at most, below the configured bound (HOPSCOPE_DISCOVERY_MAX_ITEMS): for resources that are few in
   * any real cluster, so a list past this is an apiserver misbehaving, and normalization never pairs up thousands.
   */
  maxItems?: number;
}

/** The bound of resources that are few in any real cluster (IngressClasses, MetalLB pools and advertisements). */
export const FEW_ITEMS = 100;

type Where = Pick<DiscoveryCall, 'namespaced'> & Partial<Pick<DiscoveryCall, 'namespace' | 'optional' | 'maxItems'>>;

const list = (group: string, version: string, plural: string, where: Where): DiscoveryCall => ({
  group,
  version,
  plural,
  verb: 'list',
  optional: false,
  ...where,
});

// MetalLB is optional: a cluster without it answers 404 on the whole group.
const metallb = (plural: string, where: Pick<Where, 'maxItems'> = {}) =>
  list('metallb.io', 'v1beta1', plural, { namespaced: true, optional: true, ...where });

// Cilium's CRDs are cluster-scoped and optional; v2alpha1 is served from 1.13 on (v2 added later, v2alpha1 kept served).
const cilium = (plural: string) => list('cilium.io', 'v2alpha1', plural, { namespaced: false, optional: true, maxItems: FEW_ITEMS });
// Traefik's CRDs: traefik.io (v3; also v2.10+), and traefik.containo.us (v2 only). Either may be absent.
const traefik = (group: string, plural: string) => list(group, 'v1alpha1', plural, { namespaced: true, optional: true });

const configMap = (reference: Pick<DiscoveryCall, 'namespace' | 'name'> = {}): DiscoveryCall => ({
  group: '',
  version: 'v1',
  plural: 'configmaps',
  verb: 'get',
  namespaced: true,
  optional: true,
  ...reference,
});

export const DISCOVERY_CALLS = {
  nodes: list('', 'v1', 'nodes', { namespaced: false }),
  services: list('', 'v1', 'services', { namespaced: true }),
  endpointSlices: list('discovery.k8s.io', 'v1', 'endpointslices', { namespaced: true }),
  pods: list('', 'v1', 'pods', { namespaced: true }),
  ingresses: list('networking.k8s.io', 'v1', 'ingresses', { namespaced: true }),
  ingressClasses: list('networking.k8s.io', 'v1', 'ingressclasses', { namespaced: false, maxItems: FEW_ITEMS }),
  // ipBlock allow-lists of the pods behind each way in (docs/domain.md#s10.3).
  networkPolicies: list('networking.k8s.io', 'v1', 'networkpolicies', { namespaced: true }),
  // CNI detection looks at kube-system only.
  daemonSets: list('apps', 'v1', 'daemonsets', { namespaced: true, namespace: 'kube-system', maxItems: FEW_ITEMS }),
  kubeProxyConfig: configMap({ namespace: 'kube-system', name: 'kube-proxy' }),
  // EKS keeps kube-proxy's configuration in kube-proxy-config, key `config` (docs/domain.md#s2.4).
  kubeProxyConfigEks: configMap({ namespace: 'kube-system', name: 'kube-proxy-config' }),
  metallbLegacyConfig: configMap({ namespace: 'metallb-system', name: 'config' }),
  // Cilium's agent settings: kube-proxy replacement, bpf-lb-mode, routing (docs/domain.md#s2.10.1).
  ciliumConfig: configMap({ namespace: 'kube-system', name: 'cilium-config' }),
  // The ConfigMaps ingress-nginx controller pods name with --configmap.
  controllerConfigMaps: configMap(),
  ipAddressPools: metallb('ipaddresspools', { maxItems: FEW_ITEMS }),
  l2Advertisements: metallb('l2advertisements', { maxItems: FEW_ITEMS }),
  bgpAdvertisements: metallb('bgpadvertisements', { maxItems: FEW_ITEMS }),
  serviceL2Statuses: metallb('servicel2statuses'),
  serviceBGPStatuses: metallb('servicebgpstatuses'),
  ciliumLoadBalancerIPPools: cilium('ciliumloadbalancerippools'),
  ciliumL2AnnouncementPolicies: cilium('ciliuml2announcementpolicies'),
  // Cilium L2 announcements: the Lease cilium-l2announce-<namespace>-<service> names the announcing node (docs/domain.md#s2.10.3).
  leases: list('coordination.k8s.io', 'v1', 'leases', { namespaced: true, namespace: 'kube-system', optional: true }),
  ingressRoutes: traefik('traefik.io', 'ingressroutes'),
  ingressRoutesContainous: traefik('traefik.containo.us', 'ingressroutes'),
  // Middlewares, for their ipAllowList / ipWhiteList (docs/domain.md#s6.2.5).
  traefikMiddlewares: traefik('traefik.io', 'middlewares'),
  traefikMiddlewaresContainous: traefik('traefik.containo.us', 'middlewares'),
} satisfies Record<string, DiscoveryCall>;

export function callPath(call: DiscoveryCall): string {
  const groupVersion = call.group ? `/apis/${call.group}/${call.version}` : `/api/${call.version}`;
  const namespace = call.namespace ? `/namespaces/${encodeURIComponent(call.namespace)}` : '';
  const name = call.name ? `/${encodeURIComponent(call.name)}` : '';
  return `${groupVersion}${namespace}/${call.plural}${name}`;
}

/** The call as failures name it: "ipaddresspools.metallb.io", "configmaps kube-system/kube-proxy". */
export function resourceCall(call: DiscoveryCall): ResourceCall {
  const qualified = call.group ? `${call.plural}.${call.group}` : call.plural;
  return {
    resource: call.name ? `${qualified} ${call.namespace}/${call.name}` : qualified,
    group: call.group,
    plural: call.plural,
    verb: call.verb,
    optional: call.optional,
    ...(call.namespace ? { namespace: call.namespace } : {}),
  };
}
