import type {
  V1ConfigMap,
  V1DaemonSet,
  V1EndpointSlice,
  V1Ingress,
  V1IngressClass,
  V1LabelSelector,
  V1NetworkPolicy,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type { ManifestObject } from '../demo/manifest';

// The raw objects discovery reads, exactly as the API returns them (live) or a scenario manifest holds them
// (demo). These types never leave lib/k8s: normalizeInventory turns them into lib/types.ts shapes.

/** A custom resource as returned by CustomObjectsApi: untyped beyond its metadata. */
export interface RawCustomObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface MetalLbIPAddressPool extends RawCustomObject {
  spec?: { addresses?: string[]; autoAssign?: boolean; avoidBuggyIPs?: boolean };
}

export interface MetalLbAdvertisement extends RawCustomObject {
  spec?: {
    ipAddressPools?: string[];
    ipAddressPoolSelectors?: V1LabelSelector[];
    nodeSelectors?: V1LabelSelector[];
  };
}

export interface MetalLbServiceStatus extends RawCustomObject {
  status?: { node?: string; serviceName?: string; serviceNamespace?: string };
}

export interface RawMetalLbObjects {
  ipAddressPools: MetalLbIPAddressPool[];
  l2Advertisements: MetalLbAdvertisement[];
  bgpAdvertisements: MetalLbAdvertisement[];
  serviceL2Statuses: MetalLbServiceStatus[];
  serviceBGPStatuses: MetalLbServiceStatus[];
}

export interface CiliumIPPool extends RawCustomObject {
  spec?: { blocks?: { cidr?: string; start?: string; stop?: string }[]; serviceSelector?: V1LabelSelector; disabled?: boolean };
}

export interface CiliumL2Policy extends RawCustomObject {
  spec?: {
    serviceSelector?: V1LabelSelector;
    nodeSelector?: V1LabelSelector;
    interfaces?: string[];
    externalIPs?: boolean;
    loadBalancerIPs?: boolean;
  };
}

/** coordination.k8s.io/v1 Lease: only its holder matters here. */
export interface RawLease extends RawCustomObject {
  spec?: { holderIdentity?: string };
}

export interface RawCiliumObjects {
  ipPools: CiliumIPPool[];
  l2Policies: CiliumL2Policy[];
  /** kube-system Leases; those named cilium-l2announce-… name the announcing node. */
  leases: RawLease[];
}

/** A Traefik IngressRoute of either API group (docs/domain.md#s6.2.4). */
export interface TraefikIngressRoute extends RawCustomObject {
  spec?: {
    ingressClassName?: string;
    entryPoints?: string[];
    routes?: {
      match?: string;
      kind?: string;
      services?: { name?: string; namespace?: string; kind?: string; port?: number | string }[];
      middlewares?: { name?: string; namespace?: string }[];
    }[];
    tls?: Record<string, unknown>;
  };
}

interface RawIPAllowList {
  sourceRange?: string[];
  ipStrategy?: { depth?: number; excludedIPs?: string[] };
}

/** A Traefik Middleware; only its IP allow-list is read (docs/domain.md#s6.2.5). */
export interface TraefikMiddleware extends RawCustomObject {
  spec?: { ipAllowList?: RawIPAllowList; ipWhiteList?: RawIPAllowList };
}

export interface RawClusterObjects {
  nodes: V1Node[];
  services: V1Service[];
  endpointSlices: V1EndpointSlice[];
  pods: V1Pod[];
  ingresses: V1Ingress[];
  ingressClasses: V1IngressClass[];
  /** kube-system/kube-proxy, kube-system/cilium-config, metallb-system/config, the ingress-nginx controller ConfigMaps (others are ignored). */
  configMaps: V1ConfigMap[];
  /** kube-system DaemonSets (CNI detection). */
  daemonSets: V1DaemonSet[];
  networkPolicies: V1NetworkPolicy[];
  metallb: RawMetalLbObjects;
  cilium: RawCiliumObjects;
  /** IngressRoutes of traefik.io and traefik.containo.us. */
  ingressRoutes: TraefikIngressRoute[];
  /** Middlewares of traefik.io and traefik.containo.us. */
  traefikMiddlewares: TraefikMiddleware[];
}

export function emptyRawObjects(): RawClusterObjects {
  return {
    nodes: [],
    services: [],
    endpointSlices: [],
    pods: [],
    ingresses: [],
    ingressClasses: [],
    configMaps: [],
    daemonSets: [],
    networkPolicies: [],
    metallb: { ipAddressPools: [], l2Advertisements: [], bgpAdvertisements: [], serviceL2Statuses: [], serviceBGPStatuses: [] },
    cilium: { ipPools: [], l2Policies: [], leases: [] },
    ingressRoutes: [],
    traefikMiddlewares: [],
  };
}

/** A scenario manifest's objects, sorted into what discovery would have read from a live apiserver. */
export function rawObjectsFromManifest(objects: ManifestObject[]): RawClusterObjects {
  const raw = emptyRawObjects();
  for (const object of objects) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    const as = <T>() => object as unknown as T;
    if (group === 'metallb.io') {
      const target = {
        IPAddressPool: raw.metallb.ipAddressPools,
        L2Advertisement: raw.metallb.l2Advertisements,
        BGPAdvertisement: raw.metallb.bgpAdvertisements,
        ServiceL2Status: raw.metallb.serviceL2Statuses,
        ServiceBGPStatus: raw.metallb.serviceBGPStatuses,
      }[object.kind];
      target?.push(as<RawCustomObject>());
      continue;
    }
    if (group === 'cilium.io') {
      const target = { CiliumLoadBalancerIPPool: raw.cilium.ipPools, CiliumL2AnnouncementPolicy: raw.cilium.l2Policies }[object.kind];
      target?.push(as<RawCustomObject>());
      continue;
    }
    if ((group === 'traefik.io' || group === 'traefik.containo.us') && object.kind === 'IngressRoute') {
      raw.ingressRoutes.push(as<TraefikIngressRoute>());
      continue;
    }
    if ((group === 'traefik.io' || group === 'traefik.containo.us') && object.kind === 'Middleware') {
      raw.traefikMiddlewares.push(as<TraefikMiddleware>());
      continue;
    }
    switch (`${group}/${object.kind}`) {
      case '/Node':
        raw.nodes.push(as<V1Node>());
        break;
      case '/Service':
        raw.services.push(as<V1Service>());
        break;
      case '/Pod':
        raw.pods.push(as<V1Pod>());
        break;
      case '/ConfigMap':
        raw.configMaps.push(as<V1ConfigMap>());
        break;
      case 'discovery.k8s.io/EndpointSlice':
        raw.endpointSlices.push(as<V1EndpointSlice>());
        break;
      case 'networking.k8s.io/Ingress':
        raw.ingresses.push(as<V1Ingress>());
        break;
      case 'networking.k8s.io/IngressClass':
        raw.ingressClasses.push(as<V1IngressClass>());
        break;
      case 'coordination.k8s.io/Lease':
        // Discovery lists Leases in kube-system only (Cilium L2 announcements).
        if (object.metadata.namespace === 'kube-system') raw.cilium.leases.push(as<RawLease>());
        break;
      case 'networking.k8s.io/NetworkPolicy':
        raw.networkPolicies.push(as<V1NetworkPolicy>());
        break;
      case 'apps/DaemonSet':
        // Discovery lists DaemonSets in kube-system only (CNI detection).
        if (object.metadata.namespace === 'kube-system') raw.daemonSets.push(as<V1DaemonSet>());
        break;
    }
  }
  return raw;
}
