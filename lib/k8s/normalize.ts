import type { V1ConfigMap, V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import type {
  ClusterInventory,
  ClusterSource,
  DiscoveryError,
  EndpointInfo,
  LoadBalancerPool,
  LoadBalancerProviderInfo,
  LoadBalancerProviderKind,
  NodeInfo,
  PodRef,
  ServiceInfo,
  ServiceType,
  TrafficPolicy,
} from '../types';
import { CLOUD_INGRESSES, cloudIngressController } from './cloud-ingress';
import { CILIUM_CONFIGMAP, ciliumInfo, ciliumL2Announcers, ciliumPoolContaining, ciliumPools } from './cilium';
import { findIngressControllers, ingressControllerKind, normalizeIngress } from './ingress';
import { normalizeAllowList, normalizeIngressRoute } from './ingressroute';
import { allocatedPoolAnnotation, metallbAnnouncers, metallbCrdPools, metallbLegacyPools, poolContaining, type MetalLbAnnouncers } from './metallb';
import { normalizeNetworkPolicy } from './network-policies';
import { detectCni, kubeProxyInfo, normalizeNode } from './nodes';
import { normalizePod, podIsLive, podReady, SVCLB_SERVICE_NAME_LABEL, SVCLB_SERVICE_NAMESPACE_LABEL } from './pods';
import { clientIPAnnotations, cloudFromProviderID, cloudFromService } from './providers';
import type { RawClusterObjects } from './raw';

// The one place raw Kubernetes objects become the inventory. Pure: the same objects give the same
// inventory, whether they came from a live apiserver or a demo scenario file.

export interface NormalizeContext {
  source: ClusterSource;
  errors: DiscoveryError[];
  discoveredAt: string;
  durationMs: number;
}

const KUBE_PROXY_CONFIGMAP = 'kube-system/kube-proxy';
const KUBE_PROXY_CONFIGMAP_EKS = 'kube-system/kube-proxy-config';
const METALLB_LEGACY_CONFIGMAP = 'metallb-system/config';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

const splitRanges = (value: string | undefined) => (value ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');

const nsName = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;

/**
 * A pod that carries no status conditions tells nothing of its readiness; the EndpointSlice that lists it does
 * (`conditions.ready`, docs/domain.md#s3.1), so a controller pod takes its readiness from there. No endpoint: not ready.
 */
function withEndpointReadiness(ref: PodRef, pods: V1Pod[], services: ServiceInfo[]): PodRef {
  const pod = pods.find((p) => p.metadata?.namespace === ref.namespace && p.metadata?.name === ref.name);
  if (!pod || (pod.status?.conditions?.length ?? 0) > 0) return ref;
  const endpoint = services
    .filter((s) => s.namespace === ref.namespace)
    .flatMap((s) => s.endpoints)
    .find((e) => (e.targetRef ? e.targetRef.name === ref.name : ref.ip !== null && e.ip === ref.ip));
  return endpoint ? { ...ref, ready: endpoint.ready } : ref;
}

/** EndpointSlices carry their Service in the `kubernetes.io/service-name` label (docs/domain.md#s3); nil ready counts as ready. */
function endpointsByService(slices: V1EndpointSlice[]): Map<string, EndpointInfo[]> {
  const byService = new Map<string, EndpointInfo[]>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!service || slice.addressType === 'FQDN') continue;
    const key = nsName(slice.metadata?.namespace, service);
    const list = byService.get(key) ?? [];
    for (const ep of slice.endpoints ?? []) {
      for (const ip of ep.addresses ?? []) {
        list.push({
          ip,
          nodeName: ep.nodeName ?? null,
          ready: ep.conditions?.ready ?? true,
          serving: ep.conditions?.serving ?? ep.conditions?.ready ?? true,
          terminating: ep.conditions?.terminating ?? false,
          targetRef: ep.targetRef
            ? { kind: ep.targetRef.kind ?? 'Pod', namespace: ep.targetRef.namespace ?? null, name: ep.targetRef.name ?? '' }
            : null,
        });
      }
    }
    byService.set(key, list);
  }
  for (const list of byService.values()) list.sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
  return byService;
}

/** k3s ServiceLB: nodes running a ready svclb pod for the Service announce it (docs/domain.md#s5). */
function svclbNodesByService(pods: V1Pod[]): Map<string, string[]> {
  const byService = new Map<string, Set<string>>();
  for (const pod of pods) {
    const labels = pod.metadata?.labels ?? {};
    const name = labels[SVCLB_SERVICE_NAME_LABEL];
    const node = pod.spec?.nodeName;
    if (!name || !node || !podReady(pod)) continue;
    const key = nsName(labels[SVCLB_SERVICE_NAMESPACE_LABEL] ?? 'default', name);
    const nodes = byService.get(key) ?? new Set<string>();
    nodes.add(node);
    byService.set(key, nodes);
  }
  return new Map([...byService].map(([k, v]) => [k, [...v].sort()]));
}

/** externalTrafficPolicy applies to NodePort/LoadBalancer and externalIPs; the API defaults it to Cluster. */
function externalPolicy(service: V1Service): TrafficPolicy | null {
  const type = service.spec?.type ?? 'ClusterIP';
  const applies = type === 'NodePort' || type === 'LoadBalancer' || (service.spec?.externalIPs?.length ?? 0) > 0;
  if (!applies) return null;
  return service.spec?.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster';
}

interface LoadBalancerContext {
  metallbPools: LoadBalancerPool[];
  metallbInstalled: boolean;
  announcers: Map<string, MetalLbAnnouncers>;
  svclbNodes: Map<string, string[]>;
  nodeCloud: string | null;
  /** Cilium LB IPAM pools and the L2 Lease holder per Service (docs/domain.md#s2.10.3). */
  ciliumPools: LoadBalancerPool[];
  ciliumAnnouncers: Map<string, string>;
}

/**
 * Which implementation serves a LoadBalancer Service: a foreign loadBalancerClass or cloud annotations →
 * the cloud; svclb pods → k3s ServiceLB; a MetalLB pool annotation or an address inside a pool → MetalLB;
 * else the cloud the nodes run on (providerID). The order follows who actually writes status.loadBalancer.
 */
function loadBalancerProvider(
  service: V1Service,
  key: string,
  annotations: Record<string, string>,
  ips: string[],
  ctx: LoadBalancerContext,
): { provider: LoadBalancerProviderKind; cloud: string | null; pool: string | null } {
  const lbClass = service.spec?.loadBalancerClass ?? null;
  const cloud = cloudFromService(annotations, lbClass);
  if (cloud) return { provider: 'cloud', cloud, pool: null };
  if (ctx.svclbNodes.has(key)) return { provider: 'servicelb', cloud: null, pool: null };
  const annotated = allocatedPoolAnnotation(service.metadata?.annotations);
  const containing = ips.map((ip) => poolContaining(ip, ctx.metallbPools)).find((p) => p !== null);
  if (ctx.metallbInstalled && (annotated || containing || ctx.announcers.has(key))) {
    return { provider: 'metallb', cloud: null, pool: annotated ?? containing?.name ?? null };
  }
  // Cilium LB IPAM: an address inside a CiliumLoadBalancerIPPool, an L2 Lease, or one of Cilium's classes (docs/domain.md#s2.10.3).
  const ciliumPool = ips.map((ip) => ciliumPoolContaining(ip, ctx.ciliumPools)).find((p) => p !== null);
  if (ciliumPool || ctx.ciliumAnnouncers.has(key) || lbClass?.startsWith('io.cilium/')) {
    return { provider: 'cilium', cloud: null, pool: ciliumPool?.name ?? null };
  }
  if (ctx.nodeCloud && lbClass === null) return { provider: 'cloud', cloud: ctx.nodeCloud, pool: null };
  return { provider: 'unknown', cloud: null, pool: null };
}

interface NormalizedService {
  info: ServiceInfo;
  cloud: string | null;
}

function normalizeService(
  service: V1Service,
  endpoints: Map<string, EndpointInfo[]>,
  ctx: LoadBalancerContext,
): NormalizedService {
  const namespace = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
  const key = nsName(namespace, name);
  const type = (service.spec?.type ?? 'ClusterIP') as ServiceType;
  const annotations = clientIPAnnotations(service.metadata?.annotations);
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  const loadBalancerIPs = ingress.map((i) => i.ip).filter((ip): ip is string => Boolean(ip));
  const clusterIP = service.spec?.clusterIP && service.spec.clusterIP !== 'None' ? service.spec.clusterIP : null;
  const lb = type === 'LoadBalancer' ? loadBalancerProvider(service, key, annotations, loadBalancerIPs, ctx) : null;
  const announced = ctx.announcers.get(key);
  const svclb = ctx.svclbNodes.get(key);
  return {
    cloud: lb?.cloud ?? null,
    info: {
      namespace,
      name,
      uid: service.metadata?.uid,
      type,
      clusterIP,
      clusterIPs: (service.spec?.clusterIPs ?? (clusterIP ? [clusterIP] : [])).filter((ip) => ip !== 'None'),
      externalTrafficPolicy: externalPolicy(service),
      internalTrafficPolicy: type === 'ExternalName' ? null : service.spec?.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
      // Only allocated for LoadBalancer + Local (docs/domain.md#s2.1).
      healthCheckNodePort: service.spec?.healthCheckNodePort ?? null,
      loadBalancerClass: service.spec?.loadBalancerClass ?? null,
      loadBalancerIPs,
      loadBalancerIngress: ingress.map((i) => ({
        ...(i.ip ? { ip: i.ip } : {}),
        ...(i.hostname ? { hostname: i.hostname } : {}),
        ...(i.ipMode === 'VIP' || i.ipMode === 'Proxy' ? { ipMode: i.ipMode } : {}),
      })),
      announcingNode:
        lb?.provider === 'metallb' ? (announced?.l2Node ?? null) : lb?.provider === 'cilium' ? (ctx.ciliumAnnouncers.get(key) ?? null) : null,
      announcingNodes: lb?.provider === 'metallb' ? (announced?.bgpNodes ?? []) : lb?.provider === 'servicelb' ? (svclb ?? []) : [],
      loadBalancerProvider: lb?.provider ?? null,
      loadBalancerPool: lb?.pool ?? null,
      ports: (service.spec?.ports ?? []).map((p) => ({
        name: p.name ?? '',
        port: p.port,
        nodePort: p.nodePort ?? null,
        // An unset targetPort defaults to the port (Service API).
        targetPort: p.targetPort ?? p.port,
        protocol: p.protocol ?? 'TCP',
      })),
      endpoints: endpoints.get(key) ?? [],
      selector: service.spec?.selector ?? {},
      annotations,
      labels: service.metadata?.labels ?? {},
      externalIPs: service.spec?.externalIPs ?? [],
      // Defaults to true; false means no NodePorts for a LoadBalancer Service (docs/domain.md#s3).
      allocateLoadBalancerNodePorts: service.spec?.allocateLoadBalancerNodePorts ?? true,
      // kube-proxy trims each entry and reads only the field; cloud controllers fall back to the annotation (docs/domain.md#s10.1).
      loadBalancerSourceRanges: (service.spec?.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => r !== ''),
      loadBalancerSourceRangesAnnotation: splitRanges(service.metadata?.annotations?.[SOURCE_RANGES_ANNOTATION]),
    },
  };
}

/** Node addresses k3s ServiceLB publishes: ExternalIP of svclb nodes, InternalIP when none has one (docs/domain.md#s5). */
function servicelbAddresses(nodes: NodeInfo[], svclbNodes: Map<string, string[]>): string[] {
  const names = new Set([...svclbNodes.values()].flat());
  const hosting = nodes.filter((n) => names.has(n.name));
  const external = hosting.map((n) => n.externalIP).filter((a): a is string => a !== null);
  const addresses = external.length > 0 ? external : hosting.map((n) => n.internalIP).filter((a): a is string => a !== null);
  return [...new Set(addresses)];
}

/** Pods the inventory can use: those with a role, ingress controllers, and kube-system pods (CNI detection). */
export function podMatters(pod: V1Pod): boolean {
  if (!podIsLive(pod)) return false;
  const isController = ingressControllerKind(pod) !== null;
  return isController || pod.metadata?.namespace === 'kube-system' || normalizePod(pod, false) !== null;
}

export function normalizeInventory(objects: RawClusterObjects, context: NormalizeContext): ClusterInventory {
  const configMaps = new Map<string, V1ConfigMap>(
    objects.configMaps.map((cm) => [nsName(cm.metadata?.namespace, cm.metadata?.name), cm]),
  );
  const nodes = objects.nodes.map(normalizeNode).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const legacyPools = metallbLegacyPools(configMaps.get(METALLB_LEGACY_CONFIGMAP));
  const metallbPools = [...metallbCrdPools(objects.metallb, nodes), ...legacyPools];
  const svclbNodes = svclbNodesByService(objects.pods);
  const lbContext: LoadBalancerContext = {
    metallbPools,
    metallbInstalled: metallbPools.length > 0 || objects.metallb.serviceL2Statuses.length + objects.metallb.serviceBGPStatuses.length > 0,
    announcers: metallbAnnouncers(objects.metallb),
    svclbNodes,
    nodeCloud: objects.nodes.map((n) => cloudFromProviderID(n.spec?.providerID)).find((c) => c !== null) ?? null,
    ciliumPools: ciliumPools(objects.cilium, nodes),
    ciliumAnnouncers: ciliumL2Announcers(
      objects.cilium,
      objects.services.map((s) => ({ namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '' })),
    ),
  };

  const endpoints = endpointsByService(objects.endpointSlices);
  const normalized = objects.services
    .map((s) => normalizeService(s, endpoints, lbContext))
    .sort((a, b) => nsName(a.info.namespace, a.info.name).localeCompare(nsName(b.info.namespace, b.info.name)));
  const services = normalized.map((n) => n.info);

  const loadBalancers: LoadBalancerProviderInfo[] = [];
  if (metallbPools.length > 0) loadBalancers.push({ provider: 'metallb', pools: metallbPools });
  if (lbContext.ciliumPools.length > 0) loadBalancers.push({ provider: 'cilium', pools: lbContext.ciliumPools });
  if (svclbNodes.size > 0) {
    loadBalancers.push({
      provider: 'servicelb',
      pools: [{ name: 'servicelb', addresses: servicelbAddresses(nodes, svclbNodes), mode: 'servicelb' }],
    });
  }
  const clouds = new Map<string, string[]>();
  for (const { info, cloud } of normalized) {
    if (cloud === null) continue;
    const addresses = clouds.get(cloud) ?? [];
    addresses.push(...info.loadBalancerIPs, ...info.loadBalancerIngress.flatMap((i) => (i.hostname ? [i.hostname] : [])));
    clouds.set(cloud, addresses);
  }
  for (const [name, addresses] of [...clouds].sort(([a], [b]) => a.localeCompare(b))) {
    loadBalancers.push({ provider: 'cloud', name, pools: [{ name, addresses: [...new Set(addresses)], mode: 'cloud' }] });
  }

  const controllers = findIngressControllers(objects.pods, objects.services, objects.ingressClasses, configMaps).map((c) => ({
    ...c,
    info: { ...c.info, pods: c.info.pods.map((ref) => withEndpointReadiness(ref, objects.pods, services)) },
  }));
  // Cloud L7 load balancers serve Ingresses without pods of their own (docs/domain.md#s6.4); listed only when used.
  const cloudDrafts = CLOUD_INGRESSES.map((c) => ({
    classControllers: c.classControllers,
    legacyClassNames: c.legacyClassNames,
    info: cloudIngressController(
      c,
      objects.ingressClasses.filter((k) => c.classControllers.includes(k.spec?.controller ?? '')).map((k) => k.metadata?.name ?? ''),
    ),
  }));
  const ingresses = objects.ingresses
    .map((i) => normalizeIngress(i, objects.ingressClasses, [...controllers, ...cloudDrafts], lbContext.nodeCloud))
    .sort((a, b) => nsName(a.namespace, a.name).localeCompare(nsName(b.namespace, b.name)));
  const usedCloud = cloudDrafts.map((d) => d.info).filter((info) => ingresses.some((i) => i.controller?.id === info.id));
  const ingressRoutes = objects.ingressRoutes
    .map((r) => normalizeIngressRoute(r, controllers.map((c) => c.info)))
    .sort((a, b) => nsName(a.namespace, a.name).localeCompare(nsName(b.namespace, b.name)) || a.group.localeCompare(b.group));
  const traefikAllowLists = objects.traefikMiddlewares
    .map(normalizeAllowList)
    .filter((a) => a !== null)
    .sort((a, b) => nsName(a.namespace, a.name).localeCompare(nsName(b.namespace, b.name)));
  const pods = objects.pods
    .map((p) => normalizePod(p, ingressControllerKind(p) !== null))
    .filter((p) => p !== null)
    .sort((a, b) => nsName(a.namespace, a.name).localeCompare(nsName(b.namespace, b.name)));

  const cni = detectCni(objects.daemonSets, objects.pods, objects.nodes);
  const cilium = ciliumInfo(configMaps.get(CILIUM_CONFIGMAP), cni.name === 'cilium');
  const kubeProxy = kubeProxyInfo(configMaps.get(KUBE_PROXY_CONFIGMAP) ?? configMaps.get(KUBE_PROXY_CONFIGMAP_EKS), objects.nodes);
  return {
    source: context.source,
    // Cilium replacing kube-proxy on a cluster without kube-proxy's configuration: there is no kube-proxy (docs/domain.md#s2.10.1).
    kubeProxy: cilium?.replacesKubeProxy && kubeProxy.source === 'unknown' ? { ...kubeProxy, mode: 'none' } : kubeProxy,
    nodes,
    loadBalancers,
    services,
    ingresses,
    ingressControllers: [...controllers.map((c) => c.info), ...usedCloud],
    // Absent, not empty, without any: inventories of clusters without Traefik's CRDs stay as they were.
    ...(ingressRoutes.length > 0 ? { ingressRoutes } : {}),
    ...(traefikAllowLists.length > 0 ? { traefikAllowLists } : {}),
    pods,
    cni,
    ...(cilium ? { cilium } : {}),
    networkPolicies: objects.networkPolicies
      .map(normalizeNetworkPolicy)
      .sort((a, b) => nsName(a.namespace, a.name).localeCompare(nsName(b.namespace, b.name))),
    errors: context.errors,
    discoveredAt: context.discoveredAt,
    durationMs: context.durationMs,
  };
}
