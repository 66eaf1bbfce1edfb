// The public JSON API v1, declared once. Every shape the API answers, a snapshot stores or the UI reads is a zod
// schema here; lib/types.ts is only `z.infer` of these, so a field added here exists everywhere and a field not
// added here cannot exist anywhere (zod strips unknown keys on parse, which is why nothing may be declared twice).
// Fields marked "fixed" are named in the README's API reference and must not change.
import { z } from 'zod';
import { FINDING_CODE_LIST } from './finding-codes';
import {
  ADDRESS_ROLES,
  CILIUM_DSR_DISPATCHES,
  CILIUM_LB_MODES,
  ALLOW_LIST_VERDICTS,
  CLIENT_ADDRESS_VIAS,
  DISCOVERY_REASONS,
  ECHO_FORMATS,
  ENTRY_KINDS,
  ENTRY_SCHEMES,
  HOP_KINDS,
  INGRESS_CONTROLLER_KINDS,
  IP_MODES,
  KUBE_PROXY_MODES,
  KUBE_PROXY_SOURCES,
  LOAD_BALANCER_PROVIDER_KINDS,
  POD_ROLES,
  POOL_MODES,
  POOL_ORIGINS,
  PREDICTION_VANTAGES,
  PROBE_KINDS,
  PROBE_OUTCOMES,
  PROXY_COMMANDS,
  PROXY_VERSIONS,
  SERVICE_TYPES,
  SEVERITIES,
  SOURCE_MODES,
  TRAFFIC_POLICIES,
  VANTAGE_KINDS,
  VERDICTS,
} from './enums';
import { ERROR_CODE_LIST } from './errors';

const str = z.string();
const nullableStr = z.string().nullable();
const stringMap = z.record(z.string(), z.string());

// ───────────────────────────── /api/v1/cluster ─────────────────────────────

export const ClusterSourceSchema = z.object({
  mode: z.enum(SOURCE_MODES), // fixed
  /** fixed — kubeconfig context, "in-cluster", or "demo/<scenario>" */
  context: str,
  /** fixed — API server URL, or "" in demo mode */
  server: str,
  /** Demo scenario id when mode is "demo". */
  scenario: str.optional(),
  /** Why we fell back to the demo (no kubeconfig, apiserver unreachable, …). */
  fallbackReason: str.optional(),
});

export const KubeProxyInfoSchema = z.object({
  mode: z.enum(KUBE_PROXY_MODES), // fixed
  /** Where the mode came from: the kube-system/kube-proxy ConfigMap, a default, or nothing readable. */
  source: z.enum(KUBE_PROXY_SOURCES),
  clusterCIDR: nullableStr.optional(),
  /** ipvs.strictARP of the configuration; null when none was read. */
  strictARP: z.boolean().nullable().optional(),
  /** The ConfigMap the configuration came from: kube-system/kube-proxy (kubeadm) or kube-system/kube-proxy-config (EKS). */
  configMap: nullableStr.optional(),
});

/**
 * Cilium's service load balancing, from ConfigMap kube-system/cilium-config (docs/domain.md#s2.10). Present when the
 * CNI is Cilium or that ConfigMap was read.
 */
export const CiliumInfoSchema = z.object({
  /** kube-system/cilium-config when it was read; null when it was not (every setting below is then a default). */
  configMap: nullableStr,
  /** `kube-proxy-replacement` as written: true/false (1.14+), strict/partial/probe/disabled (up to 1.13); null when unset. */
  kubeProxyReplacement: nullableStr,
  /** Cilium's eBPF load balancer takes NodePort, LoadBalancer and externalIPs traffic on the nodes instead of kube-proxy. */
  replacesKubeProxy: z.boolean(),
  /** `bpf-lb-mode` (older `node-port-mode`); default snat. */
  lbMode: z.enum(CILIUM_LB_MODES),
  /** `bpf-lb-mode-annotation`: the Service annotation service.cilium.io/forwarding-mode chooses snat or dsr. */
  lbModeAnnotation: z.boolean(),
  /** `bpf-lb-dsr-dispatch`; default opt. */
  dsrDispatch: z.enum(CILIUM_DSR_DISPATCHES),
  /** `routing-mode` (native | tunnel; older `tunnel: disabled` means native); default tunnel. */
  routingMode: str,
  /** `tunnel-protocol` (vxlan | geneve); default vxlan. */
  tunnelProtocol: str,
  /** `enable-health-check-nodeport`: Cilium answers healthCheckNodePort itself; default true. */
  enableHealthCheckNodePort: z.boolean(),
  /** The settings taken as their defaults because cilium-config did not say ("bpf-lb-mode=snat"). */
  assumed: z.array(str),
});

export const NodeInfoSchema = z.object({
  name: str, // fixed
  internalIP: nullableStr, // fixed
  externalIP: nullableStr, // fixed
  ready: z.boolean(), // fixed
  roles: z.array(str), // fixed
  /** node.kubernetes.io/exclude-from-external-load-balancers is present. */
  excludeFromExternalLB: z.boolean(),
  providerID: nullableStr,
  podCIDRs: z.array(str),
  labels: stringMap,
  /** status.nodeInfo.kubeletVersion ("v1.33.1"); absent in older snapshots. */
  kubeletVersion: nullableStr.optional(),
});

export const LoadBalancerPoolSchema = z.object({
  name: str, // fixed
  addresses: z.array(str), // fixed
  /** fixed — which advertisement announces the pool (none = allocated but not announced) */
  mode: z.enum(POOL_MODES),
  autoAssign: z.boolean().optional(),
  /** MetalLB: CRD (v0.13+) or the legacy metallb-system/config ConfigMap. */
  origin: z.enum(POOL_ORIGINS).optional(),
  /** Node names the advertisement is limited to (empty = all nodes). */
  nodeSelectorNodes: z.array(str).optional(),
});

export const LoadBalancerProviderInfoSchema = z.object({
  provider: z.enum(LOAD_BALANCER_PROVIDER_KINDS), // fixed
  /** Cloud name for provider "cloud" (openstack, aws, digitalocean, hetzner, linode, scaleway, ovh, azure, gce). */
  name: str.optional(),
  pools: z.array(LoadBalancerPoolSchema), // fixed
});

export const ServicePortInfoSchema = z.object({
  name: str, // fixed
  port: z.number(), // fixed
  nodePort: z.number().nullable(), // fixed
  targetPort: z.union([z.number(), str]), // fixed
  protocol: str, // fixed
});

export const ObjectRefSchema = z.object({ kind: str, namespace: nullableStr.optional(), name: str });

export const EndpointInfoSchema = z.object({
  ip: str, // fixed
  nodeName: nullableStr, // fixed
  /** fixed — nil `ready` counts as ready (EndpointSlice API) */
  ready: z.boolean(),
  serving: z.boolean().optional(),
  terminating: z.boolean().optional(),
  targetRef: ObjectRefSchema.nullable().optional(),
});

export const LoadBalancerIngressInfoSchema = z.object({
  ip: str.optional(),
  hostname: str.optional(),
  /** nil is treated as VIP by kube-proxy. */
  ipMode: z.enum(IP_MODES).optional(),
});

export const ServiceInfoSchema = z.object({
  namespace: str, // fixed
  name: str, // fixed
  uid: str.optional(),
  type: z.enum(SERVICE_TYPES), // fixed
  /** fixed — null for headless ("None") */
  clusterIP: nullableStr,
  clusterIPs: z.array(str),
  /** fixed — null where it does not apply */
  externalTrafficPolicy: z.enum(TRAFFIC_POLICIES).nullable(),
  internalTrafficPolicy: z.enum(TRAFFIC_POLICIES).nullable(),
  healthCheckNodePort: z.number().nullable(), // fixed
  loadBalancerClass: nullableStr,
  /** fixed — from status.loadBalancer.ingress[].ip */
  loadBalancerIPs: z.array(str),
  loadBalancerIngress: z.array(LoadBalancerIngressInfoSchema),
  /** fixed — MetalLB L2: the node announcing the VIP (ServiceL2Status); Cilium L2: the cilium-l2announce Lease holder; null when unknown or not L2. */
  announcingNode: nullableStr,
  /** MetalLB BGP: nodes announcing (ServiceBGPStatus); k3s ServiceLB: nodes running a ready svclb pod. */
  announcingNodes: z.array(str),
  /** Which LB implementation serves this Service, when it is type LoadBalancer. */
  loadBalancerProvider: z.enum(LOAD_BALANCER_PROVIDER_KINDS).nullable(),
  /** MetalLB pool the address came from (metallb.io/ip-allocated-from-pool); Cilium LB IPAM: the CiliumLoadBalancerIPPool holding it. */
  loadBalancerPool: nullableStr,
  ports: z.array(ServicePortInfoSchema), // fixed
  endpoints: z.array(EndpointInfoSchema), // fixed
  selector: stringMap,
  /** Only annotations relevant to client IP (cloud LB PROXY/XFF/hostname, MetalLB, …). */
  annotations: stringMap,
  labels: stringMap,
  externalIPs: z.array(str),
  allocateLoadBalancerNodePorts: z.boolean(),
  /** spec.loadBalancerSourceRanges, as kube-proxy reads it (docs/domain.md#s10.1); absent or empty: none. */
  loadBalancerSourceRanges: z.array(str).optional(),
  /** service.beta.kubernetes.io/load-balancer-source-ranges: read by cloud controllers when the field is empty, never by kube-proxy. */
  loadBalancerSourceRangesAnnotation: z.array(str).optional(),
});

/** One Traefik entry point as its static configuration names it (docs/domain.md#s6.2.1). */
export const EntryPointSettingsSchema = z.object({
  name: str,
  /** `address` as configured (":8000/tcp"); null when the source did not set it. */
  address: nullableStr,
  /** The port of `address`; null when there is none. */
  port: z.number().nullable(),
  /** `asDefault`: among the entry points routers without their own list use. */
  asDefault: z.boolean().optional(),
  forwardedHeadersTrustedIPs: z.array(str),
  forwardedHeadersInsecure: z.boolean(),
  proxyProtocolTrustedIPs: z.array(str),
  proxyProtocolInsecure: z.boolean(),
});

export const IngressControllerSettingsSchema = z.object({
  /** fixed — nginx use-forwarded-headers; traefik: forwardedHeaders trusted from anyone listed/insecure */
  useForwardedHeaders: z.boolean(),
  useProxyProtocol: z.boolean(), // fixed
  computeFullForwardedFor: z.boolean(), // fixed
  /** fixed — nginx proxy-real-ip-cidr; traefik forwardedHeaders.trustedIPs */
  trustedCIDRs: z.array(str),
  enableRealIp: z.boolean().optional(),
  forwardedForHeader: str.optional(),
  /** traefik: proxyProtocol.trustedIPs (nginx uses trustedCIDRs for both). */
  proxyProtocolTrustedCIDRs: z.array(str).optional(),
  /** traefik: forwardedHeaders.insecure / proxyProtocol.insecure. */
  forwardedHeadersInsecure: z.boolean().optional(),
  proxyProtocolInsecure: z.boolean().optional(),
  /** ingress-nginx ConfigMap whitelist-source-range / denylist-source-range: the defaults of every location (docs/domain.md#s10.2). */
  allowSourceRange: z.array(str).optional(),
  denySourceRange: z.array(str).optional(),
  /** Which traefik entry point these settings came from (the default one; `entryPoints` has each). */
  entryPoint: str.optional(),
  /** traefik: every entry point of the static configuration, each with its own settings. */
  entryPoints: z.array(EntryPointSettingsSchema).optional(),
  /**
   * traefik: a static configuration file Traefik loads instead of flags and env (--configFile, or a volume at a default
   * location); hopscope cannot read it, so the settings above are defaults. Null or absent when there is none.
   */
  staticFile: nullableStr.optional(),
  /** Where each setting was read: "ConfigMap ingress-nginx/ingress-nginx-controller", "container args", "defaults". */
  origin: str,
});

export const PodRefSchema = z.object({
  namespace: str,
  name: str,
  ip: nullableStr,
  nodeName: nullableStr,
  ready: z.boolean(),
});

export const ContainerPortInfoSchema = z.object({
  name: nullableStr,
  containerPort: z.number(),
  protocol: str,
});

export const IngressControllerInfoSchema = z.object({
  /** Stable id: "<kind>/<namespace>/<workload name>". */
  id: str,
  kind: z.enum(INGRESS_CONTROLLER_KINDS), // fixed
  namespace: str, // fixed
  /** fixed — the controller's Service name (in `namespace`), null when none selects its pods. */
  service: nullableStr,
  settings: IngressControllerSettingsSchema, // fixed
  /** IngressClass names this controller serves. */
  ingressClasses: z.array(str),
  pods: z.array(PodRefSchema),
  /** ingress-nginx `--configmap=<ns>/<name>` target, when found. */
  configMap: nullableStr.optional(),
  /** The controller's version from its image tag ("v1.13.2" of `…/controller:v1.13.2@sha256:…`); null when the tag tells none. */
  version: nullableStr.optional(),
  /** The controller pods' container ports: what a Service targetPort (name or number) reaches. */
  containerPorts: z.array(ContainerPortInfoSchema).optional(),
});

export const IngressRuleBackendSchema = z.object({
  host: nullableStr,
  path: str,
  serviceName: str,
  servicePort: z.union([z.number(), str]).nullable(),
});

export const IngressInfoSchema = z.object({
  namespace: str, // fixed
  name: str, // fixed
  className: nullableStr, // fixed
  hosts: z.array(str), // fixed
  tls: z.boolean(), // fixed
  tlsHosts: z.array(str),
  /** fixed — status.loadBalancer.ingress ip/hostname */
  addresses: z.array(str),
  backends: z.array(IngressRuleBackendSchema),
  /** Client-IP annotations only: cloud L7 target type (docs/domain.md#s6.4) and access control (ingress-nginx allowlist/whitelist/denylist-source-range, docs/domain.md#s10.2); absent when none. */
  annotations: stringMap.optional(),
  /** fixed — the controller serving this Ingress (null when no controller claims its class) */
  controller: IngressControllerInfoSchema.nullable(),
  /** Traefik: the traefik.ingress.kubernetes.io/router.middlewares references ("<ns>-<name>@kubernetescrd"). */
  traefikMiddlewares: z.array(str).optional(),
});

/** A backend of a Traefik IngressRoute route: `kind` Service is followed, TraefikService and others are not. */
export const IngressRouteServiceSchema = z.object({
  kind: str,
  namespace: str,
  name: str,
  port: z.union([z.number(), str]).nullable(),
});

export const ObjectNameSchema = z.object({ namespace: str, name: str });

export const IngressRouteRouteSchema = z.object({
  match: str,
  /** The hosts of its Host(`…`) matchers; empty when the rule names none. */
  hosts: z.array(str),
  services: z.array(IngressRouteServiceSchema),
  /** routes[].middlewares (namespace defaulted to the route's). */
  middlewares: z.array(ObjectNameSchema).optional(),
});

/** A Traefik Middleware with an ipAllowList (or the older ipWhiteList) (docs/domain.md#s6.2.5). */
export const TraefikAllowListSchema = z.object({
  namespace: str,
  name: str,
  /** ipAllowList, or ipWhiteList of older Traefik. */
  field: str,
  sourceRange: z.array(str),
  /** ipStrategy.depth; 0: none. */
  depth: z.number(),
  /** ipStrategy.excludedIPs (ignored when depth is set). */
  excludedIPs: z.array(str),
});

/** A Traefik IngressRoute (traefik.io/v1alpha1, or the older traefik.containo.us/v1alpha1) (docs/domain.md#s6.2.4). */
export const IngressRouteInfoSchema = z.object({
  namespace: str,
  name: str,
  /** The API group it was read from. */
  group: str,
  /** spec.entryPoints; empty: Traefik's default entry points. */
  entryPoints: z.array(str),
  /** spec.tls is set. */
  tls: z.boolean(),
  routes: z.array(IngressRouteRouteSchema),
  /** The Traefik controller serving it; null when none was found. */
  controller: IngressControllerInfoSchema.nullable(),
});

export const HostPortInfoSchema = z.object({
  containerName: str,
  containerPort: z.number(),
  hostPort: z.number(),
  protocol: str,
});

export const PodInfoSchema = PodRefSchema.extend({
  roles: z.array(z.enum(POD_ROLES)),
  hostNetwork: z.boolean(),
  hostIP: nullableStr,
  hostPorts: z.array(HostPortInfoSchema),
  labels: stringMap,
  /** Container args of interest (ingress controller flags). */
  args: z.array(str),
  images: z.array(str),
  /** A transparent egress proxy sidecar that injects headers (docs/sources.md#seed-004), if detected. */
  egressProxy: z.object({ container: str, image: str, injectsHeaders: z.array(str) }).nullable(),
  ownerKind: nullableStr.optional(),
  ownerName: nullableStr.optional(),
  /**
   * The pod reads a PROXY preamble when one comes (the hopscope echo). Absent or false: an HTTP server that takes the
   * preamble for a request line (docs/domain.md#s8.1).
   */
  parsesProxyProtocol: z.boolean().optional(),
});

export const CniInfoSchema = z.object({
  /** calico, cilium, flannel, canal, weave, kindnet, unknown. */
  name: str,
  /** Pods' egress is masqueraded to the node IP (Calico natOutgoing, flannel ip-masq, …); null = unknown (assume true). */
  natOutgoing: z.boolean().nullable(),
  /**
   * The CNI agent pod found on each node (kube-system DaemonSet pods), where discovery saw one: a cluster in the
   * middle of a CNI migration runs two (name null: no agent pod seen there, the cluster's CNI applies). `backend` is
   * flannel's backend-type Node annotation (vxlan, host-gw, …).
   */
  nodes: z.array(z.object({ node: str, name: nullableStr, backend: nullableStr })).optional(),
});

/** metav1.LabelSelector. */
export const LabelSelectorSchema = z.object({
  matchLabels: stringMap.optional(),
  matchExpressions: z.array(z.object({ key: str, operator: str, values: z.array(str).optional() })).optional(),
});

/** One `from` peer of a NetworkPolicy ingress rule (networking.k8s.io/v1, docs/domain.md#s10.3). */
export const NetworkPolicyPeerSchema = z.object({
  ipBlock: z.object({ cidr: str, except: z.array(str) }).optional(),
  podSelector: LabelSelectorSchema.optional(),
  namespaceSelector: LabelSelectorSchema.optional(),
});

export const NetworkPolicyPortSchema = z.object({
  protocol: str,
  /** A number or a named container port; absent: every port. */
  port: z.union([z.number(), str]).optional(),
  endPort: z.number().optional(),
});

export const NetworkPolicyInfoSchema = z.object({
  namespace: str,
  name: str,
  podSelector: LabelSelectorSchema,
  /** Whether the policy isolates its pods for ingress (policyTypes, defaulted as the API does). */
  ingressIsolation: z.boolean(),
  /** Ingress rules; `from` empty admits every source (on the rule's ports). */
  ingress: z.array(z.object({ from: z.array(NetworkPolicyPeerSchema), ports: z.array(NetworkPolicyPortSchema) })),
});

export const DiscoveryErrorSchema = z.object({
  /** fixed — e.g. "ipaddresspools.metallb.io", "configmaps kube-system/kube-proxy" */
  resource: str,
  /** fixed — HTTP status, or 0 for timeouts / connection failures */
  status: z.number(),
  message: str, // fixed
  /** What to do about it: "grant list on ipaddresspools.metallb.io to the hopscope ServiceAccount". */
  hint: str,
  reason: z.enum(DISCOVERY_REASONS),
});

export const ClusterInventorySchema = z.object({
  source: ClusterSourceSchema, // fixed
  kubeProxy: KubeProxyInfoSchema, // fixed
  nodes: z.array(NodeInfoSchema), // fixed
  loadBalancers: z.array(LoadBalancerProviderInfoSchema), // fixed
  services: z.array(ServiceInfoSchema), // fixed
  ingresses: z.array(IngressInfoSchema), // fixed
  ingressControllers: z.array(IngressControllerInfoSchema),
  /** Traefik IngressRoutes (optional CRD groups; absent in inventories from before they were read). */
  ingressRoutes: z.array(IngressRouteInfoSchema).optional(),
  /** Traefik Middlewares with an IP allow-list (absent: none read). */
  traefikAllowLists: z.array(TraefikAllowListSchema).optional(),
  pods: z.array(PodInfoSchema),
  /** NetworkPolicies (networking.k8s.io/v1); absent when none were read. */
  networkPolicies: z.array(NetworkPolicyInfoSchema).optional(),
  cni: CniInfoSchema,
  /** Cilium's load-balancer settings; absent or null when Cilium is not the CNI. */
  cilium: CiliumInfoSchema.nullable().optional(),
  errors: z.array(DiscoveryErrorSchema), // fixed
  discoveredAt: str,
  /** Server-side discovery time, for the scale budget. */
  durationMs: z.number(),
});

// ───────────────────────────── /api/v1/contexts ─────────────────────────────

export const ContextSummarySchema = z.object({ name: str, cluster: str, server: str });

export const ContextsResponseSchema = z.object({
  mode: z.enum(SOURCE_MODES),
  current: nullableStr,
  contexts: z.array(ContextSummarySchema),
});

// ───────────────────────────── /api/v1/paths ─────────────────────────────

export const PathEntrySchema = z.object({
  kind: z.enum(ENTRY_KINDS), // fixed
  namespace: nullableStr, // fixed
  name: str, // fixed
  host: nullableStr, // fixed
  address: nullableStr, // fixed
  port: z.number().nullable(), // fixed
  /** http, https or tcp. */
  scheme: z.enum(ENTRY_SCHEMES).optional(),
  /** The entry object's kind where the entry kind does not tell it: "IngressRoute" for a Traefik IngressRoute way in. */
  objectKind: str.optional(),
});

/** An address as the model knows it: who it belongs to, and the concrete IP when the inventory has one. */
export const PredictedAddressSchema = z.object({
  role: z.enum(ADDRESS_ROLES),
  /** Concrete IP, or null when unknown (the client, a forged value, a cloud LB's member-port address). */
  address: nullableStr,
});

export const PredictedProxyHeaderSchema = z.object({
  /** 1 or 2; null when the provider does not document the version (receivers accept both). */
  version: z.union([z.literal(1), z.literal(2)]).nullable(),
  src: PredictedAddressSchema,
});

/** What one hop receives on the wire and what it then takes as the client. */
export const ArrivalSchema = z.object({
  peer: PredictedAddressSchema,
  proxyProtocol: PredictedProxyHeaderSchema.nullable(),
  /** One entry per address, left to right, as the hop receives the combined header. */
  xForwardedFor: z.array(PredictedAddressSchema),
  xRealIp: PredictedAddressSchema.nullable(),
  believed: PredictedAddressSchema,
  via: z.enum(CLIENT_ADDRESS_VIAS),
  /** The hop's own status, in the path verdict vocabulary. */
  verdict: z.enum(VERDICTS),
});

export const HopSchema = z.object({
  /** Stable within the path: "<kind>:<namespace/name or address>". */
  id: str,
  kind: z.enum(HOP_KINDS), // fixed
  name: str, // fixed
  /** fixed — the hop's own address (node IP, VIP, pod IP, ClusterIP) */
  address: nullableStr,
  port: z.number().nullable().optional(),
  /** fixed — the TCP peer this hop sees: a concrete IP, or "client" when it is the original client's address */
  expectedPeer: nullableStr,
  expectedPeerRole: z.enum(ADDRESS_ROLES),
  /** fixed — how the original client address reaches this hop */
  clientAddressVia: z.enum(CLIENT_ADDRESS_VIAS),
  /** What this hop would take as the client (after its own trust rules): address or "client". */
  believedClient: nullableStr,
  believedClientRole: z.enum(ADDRESS_ROLES),
  /** Kubernetes objects behind the hop, for the details panel. */
  objects: z.array(ObjectRefSchema),
  /** Relevant settings shown in the details panel (key → value as text). */
  details: stringMap,
  /** What an honest client's request looks like here; null when it never arrives (dropped or refused before). */
  arrival: ArrivalSchema.nullable().optional(),
  /** The same for a client that forges X-Forwarded-For / X-Real-IP (and a PROXY header where one is expected). */
  forgedArrival: ArrivalSchema.nullable().optional(),
});

export const FindingSchema = z.object({
  severity: z.enum(SEVERITIES), // fixed
  /** fixed — stable machine-readable code (lib/contract/finding-codes.ts) */
  code: z.enum(FINDING_CODE_LIST),
  message: str, // fixed
  /** fixed — the concrete change: a YAML patch, a `kubectl patch` / annotate command, or a ConfigMap line */
  fix: nullableStr,
  /** What the fix costs (uneven spread, health checks, …). */
  tradeOff: nullableStr.optional(),
  /** A what-if expression that previews this fix (see lib/model/whatif.ts). */
  whatIf: nullableStr.optional(),
  hopId: nullableStr.optional(),
  /** An allow-list judged by the address its hop sees (docs/domain.md#s10). */
  allowList: z
    .object({
      verdict: z.enum(ALLOW_LIST_VERDICTS),
      /** The object that holds the list, and the field or key it is in. */
      object: ObjectRefSchema,
      field: str,
      ranges: z.array(str),
      /** The address the list is checked against at its hop. */
      seen: PredictedAddressSchema,
    })
    .optional(),
});

export const NetPathSchema = z.object({
  /** fixed — stable across calls: derived from entry kind, object and address, never from list order */
  id: str,
  entry: PathEntrySchema, // fixed
  hops: z.array(HopSchema), // fixed
  verdict: z.enum(VERDICTS), // fixed
  findings: z.array(FindingSchema), // fixed
  /** What the final pod can truthfully learn of the client address, and how. */
  appClient: z.object({ via: z.enum(CLIENT_ADDRESS_VIAS), role: z.enum(ADDRESS_ROLES), value: nullableStr }),
  /** Prediction for an in-cluster prober (the dashboard) where it differs from an outside client. */
  inClusterNote: nullableStr.optional(),
  /** How a probe of this path ends: ok, or the failure the model predicts (timeout for a drop, …). */
  expectedOutcome: z.enum(PROBE_OUTCOMES).optional(),
  /** The verdict for an in-cluster client (such as hopscope itself) where it differs from an outside client. */
  inClusterVerdict: z.enum(VERDICTS).nullable().optional(),
  /**
   * What a pod of the cluster finds on this path (kube-proxy's short-circuit of LB addresses, the pod-traffic rule,
   * hairpin), for a pod on a node with no special relation to the path; a trace recomputes it for its own prober's
   * node. Absent when the model has no in-cluster view of the path.
   */
  inCluster: z.lazy(() => VantagePredictionSchema).nullable().optional(),
});

export const PathsResponseSchema = z.object({
  source: ClusterSourceSchema,
  /** The paths matching the query's filters (all of them without filters). */
  paths: z.array(NetPathSchema),
  /** How many paths the cluster has before filtering. */
  total: z.number(),
  whatIf: z.array(str),
  errors: z.array(DiscoveryErrorSchema),
});

// ───────────────────────────── /api/v1/traces ─────────────────────────────

/** Who sent the probes of a trace (docs/vantages.md). */
export const VantageSchema = z.object({
  kind: z.enum(VANTAGE_KINDS),
  /** For people: "hopscope pod hopscope/hopscope-7d9 on wk-a", "your browser", "agent laptop-eu". */
  label: str,
  /** The pod's namespace/name in the cluster, the name the user gave an agent; null for a browser. */
  name: nullableStr,
  /** The node an in-cluster prober runs on; null outside the cluster or when unknown. */
  node: nullableStr,
  /** The prober's own address as its sockets saw it; null for a browser, which cannot know it. */
  address: nullableStr,
});

/** What the model predicts a probe from one vantage finds at the end of a path. */
export const VantagePredictionSchema = z.object({
  vantage: z.enum(PREDICTION_VANTAGES),
  verdict: z.enum(VERDICTS),
  /** ok, or the failure the model predicts for a probe from here (timeout for a drop, …). */
  expectedOutcome: z.enum(PROBE_OUTCOMES),
  /** The last hop's TCP peer, and whom it takes as the client and from where, as roles. */
  peerRole: z.enum(ADDRESS_ROLES),
  believedRole: z.enum(ADDRESS_ROLES),
  via: z.enum(CLIENT_ADDRESS_VIAS),
  /** Why this vantage sees something else than an outside client (short-circuit, pod-traffic rule, hairpin); null if not. */
  note: nullableStr,
});

export const ProxyHeaderInfoSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  command: z.enum(PROXY_COMMANDS),
  family: str,
  src: nullableStr,
  dst: nullableStr,
  srcPort: z.number().nullable(),
  dstPort: z.number().nullable(),
  tlvs: z.array(z.object({ type: z.number(), name: str, value: str })).optional(),
});

/** What an echo server reported, normalised from any supported format. */
export const EchoObservationSchema = z.object({
  format: z.enum(ECHO_FORMATS),
  peer: nullableStr,
  peerPort: z.number().nullable().optional(),
  local: nullableStr.optional(),
  /** One entry per header line, in order. */
  xForwardedFor: z.array(str),
  xRealIp: nullableStr,
  forwarded: z.array(str),
  proxyProtocol: ProxyHeaderInfoSchema.nullable(),
  echoPod: nullableStr,
  echoNode: nullableStr,
  host: nullableStr,
  headers: z.array(z.tuple([str, str])),
  /** The request target the echo received (path and query): where an outside probe's nonce comes back. */
  path: nullableStr.optional(),
});

export const ProbeTargetSchema = z.object({
  address: str,
  port: z.number(),
  host: nullableStr.optional(),
  tls: z.boolean().optional(),
  /** Send our own PROXY header first (when the path expects one at this target). */
  proxyProtocol: z.enum(PROXY_VERSIONS).nullable().optional(),
  /** What this target is in the inventory ("node wk-a NodePort 31543", "VIP 198.51.100.50"). */
  label: str,
});

export const ProbeResultSchema = z.object({
  id: str,
  pathId: str,
  kind: z.enum(PROBE_KINDS),
  target: ProbeTargetSchema,
  startedAt: str,
  durationMs: z.number(),
  outcome: z.enum(PROBE_OUTCOMES),
  status: z.number().nullable(),
  observation: EchoObservationSchema.nullable(),
  /**
   * The echo's reply, trimmed to a few KiB, as text; for a health check, kube-proxy's answer as hopscope read it.
   * Null for every other answer: hopscope keeps the status, timing and size (`bytes`) of an answer it does not
   * understand, never its body.
   */
  raw: nullableStr,
  error: nullableStr,
  /** Size of the answer in bytes as received, also when its body is not kept. */
  bytes: z.number().optional(),
  /**
   * What hopscope cut from this answer to keep traces small (header values past 1 KiB, header lines past 64, the
   * trace's size cap); absent when nothing was cut. Cut values also end in a marker.
   */
  truncated: str.optional(),
  /** Set for outcomes the model predicted (e.g. a Local node without endpoints times out). */
  expected: z.boolean().optional(),
  /** Who sent it; absent in traces stored before vantages existed (they were all in-cluster). */
  vantage: z.enum(VANTAGE_KINDS).optional(),
});

export const ObservedHopSchema = z.object({
  hopId: str,
  observedPeer: nullableStr,
  observedPeerRole: z.enum(ADDRESS_ROLES),
  via: z.enum(CLIENT_ADDRESS_VIAS),
  matches: z.boolean(),
});

export const PathTraceSchema = z.object({
  pathId: str,
  probes: z.array(ProbeResultSchema),
  observed: z.array(ObservedHopSchema),
  observedVerdict: z.enum(VERDICTS).nullable(),
  matchesPrediction: z.boolean(),
  differences: z.array(str),
  /** Where an outside client would see something else than the in-cluster prober. */
  inClusterNote: nullableStr.optional(),
  /**
   * Why hopscope sent no probe on this path (egress, not a probe target, a request it refused to send); absent when
   * it probed. The path is still predicted; its observedVerdict is null.
   */
  notProbed: str.optional(),
  /** The vantage the probes came from, and the prediction for that vantage the observation was compared with. */
  vantage: z.enum(VANTAGE_KINDS).optional(),
  predicted: VantagePredictionSchema.nullable().optional(),
  /**
   * Why no probe of this path got through from this vantage for a reason of the vantage itself (no route, DNS,
   * mixed content, a browser's refusal): "not reachable from here", never a verdict; observedVerdict is null.
   */
  notReachable: str.optional(),
  /**
   * What hopscope had to assume reading these answers: an address outside every cluster object taken as the role the
   * prediction expects, a controller probed without an Ingress host (its default backend). Absent when nothing was.
   */
  note: str.optional(),
});

export const TraceRunSchema = z.object({
  id: str,
  startedAt: str,
  finishedAt: nullableStr,
  /** Demo traces are simulated and labelled so; no packet is sent. */
  simulated: z.boolean(),
  prober: z.object({ inCluster: z.boolean(), address: nullableStr, note: str }),
  /** Who sent the probes; absent in traces stored before vantages existed (in-cluster). */
  vantage: VantageSchema.optional(),
  paths: z.array(PathTraceSchema),
});

/**
 * One request an outside vantage (browser, agent) is asked to send. Only the server plans these, from discovered
 * objects; the nonce ties the echo's report to this probe of this trace and is good for one report.
 */
export const OutsideProbeSchema = z.object({
  id: str,
  pathId: str,
  kind: z.enum(PROBE_KINDS),
  target: ProbeTargetSchema,
  /** What a browser fetches: scheme, the Ingress host (else the address), port, and httpPath. */
  url: str,
  /** The echo's probe path with the nonce in its query. */
  httpPath: str,
  /** Headers to add (the spoof test's forged X-Forwarded-For / X-Real-IP). */
  headers: z.array(z.tuple([str, str])),
  nonce: str,
});

/** Answer of POST /api/v1/traces with vantage "browser" or "agent": the plan, valid until expiresAt. */
export const OutsidePlanSchema = z.object({
  traceId: str,
  vantage: VantageSchema,
  expiresAt: str,
  probes: z.array(OutsideProbeSchema),
  /** Paths this vantage is not asked to probe, and why (egress, not a probe target, demo mode, …). */
  notProbed: z.array(z.object({ pathId: str, reason: str })),
});

/** What an outside vantage saw for one planned probe (POST /api/v1/traces/{id}/reports). */
export const OutsideReportSchema = z.object({
  probeId: str,
  nonce: str,
  outcome: z.enum(PROBE_OUTCOMES),
  status: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** The answer's body as received (the echo's JSON report), at most 64 KiB; null when none came. */
  body: z.string().max(65_536).nullable(),
  contentType: nullableStr.optional(),
  error: z.string().max(1024).nullable(),
  /** The sender's own source address on the connection; a browser cannot know it. */
  localAddress: nullableStr.optional(),
  /** Size of the answer in bytes as the sender received it, also past what `body` kept. */
  bytes: z.number().int().nonnegative().optional(),
  /** What the sender cut from the body to keep the report within the request limit; absent when nothing was cut. */
  truncated: z.string().max(256).optional(),
});

/**
 * Answer of POST /api/v1/traces/{id}/reports when it counted a report or closed the trace: what this call counted, what it
 * did not and why, and the trace compared with the outside prediction once it is closed (done, or every probe in).
 */
export const ReportsAnswerSchema = z.object({
  traceId: str,
  /** Probe ids whose reports this call counted. */
  accepted: z.array(str),
  /** Reports of this call that were not counted, with the reason. */
  refused: z.array(z.object({ probeId: str, reason: str })),
  /** Probes of the plan still without a counted report. */
  pending: z.number().int().nonnegative(),
  /** The closed trace with its verdicts; null while the trace is open. */
  trace: TraceRunSchema.nullable(),
});

/** Answer of GET /api/v1/traces: the last trace of the asked vantage, and the last one of every vantage side by side. */
export const LastTracesSchema = z.object({
  trace: TraceRunSchema.nullable(),
  /** Every vantage is a key (zod's record of an enum is exhaustive); null where it has no trace yet. */
  byVantage: z.record(z.enum(VANTAGE_KINDS), TraceRunSchema.nullable()),
});

// ───────────────────────────── errors ─────────────────────────────

export const ApiErrorSchema = z.object({
  code: z.enum(ERROR_CODE_LIST),
  message: str,
  hint: nullableStr.optional(),
});

export const ApiErrorBodySchema = z.object({ error: ApiErrorSchema });

/** One line of the streamed (NDJSON) answer of POST /api/v1/traces. */
export const TraceEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), traceId: str, simulated: z.boolean(), pathIds: z.array(str), probeCount: z.number() }),
  z.object({ type: z.literal('probe'), probe: ProbeResultSchema, done: z.number(), total: z.number() }),
  z.object({ type: z.literal('path'), path: PathTraceSchema }),
  z.object({ type: z.literal('done'), trace: TraceRunSchema }),
  z.object({ type: z.literal('error'), error: ApiErrorSchema }),
]);

// ───────────────────────────── /api/v1/snapshots ─────────────────────────────

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Snapshot ids: 18 random bytes as base64url (144 bits), see lib/snapshot/ids.ts. */
export const SnapshotIdSchema = z.string().regex(/^[A-Za-z0-9_-]{24}$/, 'not a snapshot id');

/** Where an imported snapshot came from: when it was uploaded, and the id the file gave itself (unverified). */
export const SnapshotImportSchema = z.object({
  at: z.iso.datetime(),
  originalId: SnapshotIdSchema,
});

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  id: SnapshotIdSchema,
  /** When the cluster state was frozen. */
  createdAt: z.iso.datetime(),
  /** When this copy entered the store (differs from createdAt for imported snapshots); retention counts from here. */
  storedAt: z.iso.datetime(),
  appVersion: str,
  context: str,
  sourceMode: z.enum(SOURCE_MODES),
  redacted: z.boolean(),
  /** The path selected when the link was shared. */
  entry: nullableStr,
  /**
   * Set by the server when the snapshot came in as an uploaded file (POST /api/v1/snapshots/import), and overwritten
   * there whatever the file said: such content is what the file claims, not what this hopscope saw. Absent on
   * snapshots the server froze itself (and on files from before this field).
   */
  imported: SnapshotImportSchema.optional(),
  inventory: ClusterInventorySchema,
  paths: z.array(NetPathSchema),
  whatIf: z.array(str),
  trace: TraceRunSchema.nullable(),
});

/** One row of the snapshot list (GET /api/v1/snapshots), without its URL. */
export const SnapshotSummarySchema = SnapshotSchema.pick({
  id: true,
  createdAt: true,
  storedAt: true,
  context: true,
  redacted: true,
  entry: true,
  imported: true,
});

export const ShareAnswerSchema = z.object({ id: str, url: str, createdAt: str, redacted: z.boolean() });
