// Which REST resources the fixture API server knows: group, version, plural, kind and scope, as the real
// apiserver's discovery documents list them. Kinds not in the table are served too, with a plural derived
// the way `kubectl` guesses it (lowercase kind + "s"), so any object in a scenario is reachable. A group is
// served only when it is built in, named by the scenario or holds one of its objects, so a cluster without
// MetalLB answers 404 on metallb.io as a real one does.

export interface ResourceType {
  group: string; // "" for the core group
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const KNOWN: ResourceType[] = [
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses', kind: 'IngressClass', namespaced: false },
  { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  { group: 'metallb.io', version: 'v1beta1', plural: 'ipaddresspools', kind: 'IPAddressPool', namespaced: true },
  { group: 'metallb.io', version: 'v1beta1', plural: 'l2advertisements', kind: 'L2Advertisement', namespaced: true },
  { group: 'metallb.io', version: 'v1beta1', plural: 'bgpadvertisements', kind: 'BGPAdvertisement', namespaced: true },
  { group: 'metallb.io', version: 'v1beta1', plural: 'servicel2statuses', kind: 'ServiceL2Status', namespaced: true },
  { group: 'metallb.io', version: 'v1beta1', plural: 'servicebgpstatuses', kind: 'ServiceBGPStatus', namespaced: true },
  { group: 'metallb.io', version: 'v1beta1', plural: 'communities', kind: 'Community', namespaced: true },
  { group: 'metallb.io', version: 'v1beta2', plural: 'bgppeers', kind: 'BGPPeer', namespaced: true },
  { group: 'traefik.io', version: 'v1alpha1', plural: 'ingressroutes', kind: 'IngressRoute', namespaced: true },
  { group: 'traefik.io', version: 'v1alpha1', plural: 'middlewares', kind: 'Middleware', namespaced: true },
  { group: 'traefik.containo.us', version: 'v1alpha1', plural: 'ingressroutes', kind: 'IngressRoute', namespaced: true },
  { group: 'traefik.containo.us', version: 'v1alpha1', plural: 'middlewares', kind: 'Middleware', namespaced: true },
  { group: 'crd.projectcalico.org', version: 'v1', plural: 'ippools', kind: 'IPPool', namespaced: false },
  { group: 'cilium.io', version: 'v2alpha1', plural: 'ciliumloadbalancerippools', kind: 'CiliumLoadBalancerIPPool', namespaced: false },
  { group: 'cilium.io', version: 'v2alpha1', plural: 'ciliuml2announcementpolicies', kind: 'CiliumL2AnnouncementPolicy', namespaced: false },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true },
];

/** Groups every cluster serves; other groups (CRDs) exist only when the scenario brings them. */
const BUILT_IN_GROUPS = ['', 'apps', 'coordination.k8s.io', 'discovery.k8s.io', 'networking.k8s.io'];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly groups: Set<string>;

  constructor(extraGroups: Iterable<string> = []) {
    this.groups = new Set([...BUILT_IN_GROUPS, ...extraGroups]);
    for (const r of KNOWN) this.add(r);
  }

  private add(r: ResourceType) {
    this.byPath.set(`${r.group}/${r.version}/${r.plural}`, r);
    this.byKind.set(`${r.group}/${r.version}/${r.kind}`, r);
  }

  /** The resource type of an object to serve, registering unknown kinds on the fly; its group is served from now on. */
  forObject(apiVersion: string, kind: string, namespaced: boolean): ResourceType {
    const { group, version } = splitApiVersion(apiVersion);
    this.groups.add(group);
    const known = this.byKind.get(`${group}/${version}/${kind}`);
    if (known) return known;
    const lower = kind.toLowerCase();
    const plural = lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
    const created = { group, version, plural, kind, namespaced };
    this.add(created);
    return created;
  }

  /** A served resource type by its REST path segments. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.groups.has(group) ? this.byPath.get(`${group}/${version}/${plural}`) : undefined;
  }

  served(): ResourceType[] {
    return [...this.byPath.values()].filter((r) => this.groups.has(r.group));
  }
}

/** `<plural>.<group>` (core: `<plural>`), the name RBAC messages and hints use. */
export function qualifiedName(r: Pick<ResourceType, 'group' | 'plural'>): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

export function apiVersionOf(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}
