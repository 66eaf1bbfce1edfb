// The serialisable vocabulary shared by discovery, the path model, probes, the API, the UI and snapshots.
// Raw Kubernetes `V1*` types never get past lib/k8s; everything after it speaks these types.
// Field names marked "fixed" are part of the public JSON API v1 (see README) and must not change.

// ───────────────────────────── /api/v1/cluster ─────────────────────────────

export type SourceMode = 'kubeconfig' | 'in-cluster' | 'demo';

export interface ClusterSource {
  mode: SourceMode; // fixed
  context: string; // fixed — kubeconfig context, "in-cluster", or "demo/<scenario>"
  server: string; // fixed — API server URL, or "" in demo mode
  /** Demo scenario id when mode is "demo". */
  scenario?: string;
  /** Why we fell back to the demo (no kubeconfig, apiserver unreachable, …). */
  fallbackReason?: string;
}

export type KubeProxyMode = 'iptables' | 'ipvs' | 'nftables' | 'kernelspace' | 'none' | 'unknown';

export interface KubeProxyInfo {
  mode: KubeProxyMode; // fixed
  /** Where the mode came from: the kube-system/kube-proxy ConfigMap, a default, or nothing readable. */
  source: 'configmap' | 'default' | 'unknown';
  clusterCIDR?: string | null;
}

export interface NodeInfo {
  name: string; // fixed
  internalIP: string | null; // fixed
  externalIP: string | null; // fixed
  ready: boolean; // fixed
  roles: string[]; // fixed
  /** node.kubernetes.io/exclude-from-external-load-balancers is present. */
  excludeFromExternalLB: boolean;
  providerID: string | null;
  podCIDRs: string[];
  labels: Record<string, string>;
}

export type LoadBalancerProviderKind = 'metallb' | 'servicelb' | 'cloud' | 'unknown';
export type PoolMode = 'layer2' | 'bgp' | 'layer2+bgp' | 'none' | 'cloud' | 'servicelb';

export interface LoadBalancerPool {
  name: string; // fixed
  addresses: string[]; // fixed
  mode: PoolMode; // fixed — which advertisement announces the pool (none = allocated but not announced)
  autoAssign?: boolean;
  /** MetalLB: CRD (v0.13+) or the legacy metallb-system/config ConfigMap. */
  origin?: 'crd' | 'configmap';
  /** Node names the advertisement is limited to (empty = all nodes). */
  nodeSelectorNodes?: string[];
}

export interface LoadBalancerProviderInfo {
  provider: LoadBalancerProviderKind; // fixed
  /** Cloud name for provider "cloud" (openstack, aws, digitalocean, hetzner, linode, scaleway, ovh, azure, gce). */
  name?: string;
  pools: LoadBalancerPool[]; // fixed
}

export interface ServicePortInfo {
  name: string; // fixed
  port: number; // fixed
  nodePort: number | null; // fixed
  targetPort: number | string; // fixed
  protocol: string; // fixed
}

export interface ObjectRef {
  kind: string;
  namespace?: string | null;
  name: string;
}

export interface EndpointInfo {
  ip: string; // fixed
  nodeName: string | null; // fixed
  ready: boolean; // fixed — nil `ready` counts as ready (EndpointSlice API)
  serving?: boolean;
  terminating?: boolean;
  targetRef?: ObjectRef | null;
}

export interface LoadBalancerIngressInfo {
  ip?: string;
  hostname?: string;
  /** nil is treated as VIP by kube-proxy. */
  ipMode?: 'VIP' | 'Proxy';
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type TrafficPolicy = 'Cluster' | 'Local';

export interface ServiceInfo {
  namespace: string; // fixed
  name: string; // fixed
  uid?: string;
  type: ServiceType; // fixed
  clusterIP: string | null; // fixed — null for headless ("None")
  clusterIPs: string[];
  externalTrafficPolicy: TrafficPolicy | null; // fixed — null where it does not apply
  internalTrafficPolicy: TrafficPolicy | null;
  healthCheckNodePort: number | null; // fixed
  loadBalancerClass: string | null;
  loadBalancerIPs: string[]; // fixed — from status.loadBalancer.ingress[].ip
  loadBalancerIngress: LoadBalancerIngressInfo[];
  /** MetalLB L2: the node announcing the VIP (ServiceL2Status); null when unknown or not L2. */
  announcingNode: string | null; // fixed
  /** MetalLB BGP: nodes announcing (ServiceBGPStatus); k3s ServiceLB: nodes running a ready svclb pod. */
  announcingNodes: string[];
  /** Which LB implementation serves this Service, when it is type LoadBalancer. */
  loadBalancerProvider: LoadBalancerProviderKind | null;
  /** MetalLB pool the address came from (metallb.io/ip-allocated-from-pool). */
  loadBalancerPool: string | null;
  ports: ServicePortInfo[]; // fixed
  endpoints: EndpointInfo[]; // fixed
  selector: Record<string, string>;
  /** Only annotations relevant to client IP (cloud LB PROXY/XFF/hostname, MetalLB, …). */
  annotations: Record<string, string>;
  labels: Record<string, string>;
  externalIPs: string[];
  allocateLoadBalancerNodePorts: boolean;
}

export type IngressControllerKind = 'ingress-nginx' | 'traefik' | 'haproxy' | 'contour' | 'unknown';

export interface IngressControllerSettings {
  useForwardedHeaders: boolean; // fixed — nginx use-forwarded-headers; traefik: forwardedHeaders trusted from anyone listed/insecure
  useProxyProtocol: boolean; // fixed
  computeFullForwardedFor: boolean; // fixed
  trustedCIDRs: string[]; // fixed — nginx proxy-real-ip-cidr; traefik forwardedHeaders.trustedIPs
  enableRealIp?: boolean;
  forwardedForHeader?: string;
  /** traefik: proxyProtocol.trustedIPs (nginx uses trustedCIDRs for both). */
  proxyProtocolTrustedCIDRs?: string[];
  /** traefik: forwardedHeaders.insecure / proxyProtocol.insecure. */
  forwardedHeadersInsecure?: boolean;
  proxyProtocolInsecure?: boolean;
  /** Which traefik entry point these settings came from. */
  entryPoint?: string;
  /** Where each setting was read: "ConfigMap ingress-nginx/ingress-nginx-controller", "container args", "defaults". */
  origin: string;
}

export interface PodRef {
  namespace: string;
  name: string;
  ip: string | null;
  nodeName: string | null;
  ready: boolean;
}

export interface IngressControllerInfo {
  /** Stable id: "<kind>/<namespace>/<workload name>". */
  id: string;
  kind: IngressControllerKind; // fixed
  namespace: string; // fixed
  /** The controller's Service name (in `namespace`), null when none selects its pods. */
  service: string | null; // fixed
  settings: IngressControllerSettings; // fixed
  /** IngressClass names this controller serves. */
  ingressClasses: string[];
  pods: PodRef[];
  /** ingress-nginx `--configmap=<ns>/<name>` target, when found. */
  configMap?: string | null;
}

export interface IngressRuleBackend {
  host: string | null;
  path: string;
  serviceName: string;
  servicePort: number | string | null;
}

export interface IngressInfo {
  namespace: string; // fixed
  name: string; // fixed
  className: string | null; // fixed
  hosts: string[]; // fixed
  tls: boolean; // fixed
  tlsHosts: string[];
  addresses: string[]; // fixed — status.loadBalancer.ingress ip/hostname
  backends: IngressRuleBackend[];
  /** The controller serving this Ingress (null when no controller claims its class). */
  controller: IngressControllerInfo | null; // fixed
}

export type PodRole = 'ingress-controller' | 'svclb' | 'echo' | 'host-network' | 'host-port' | 'app';

export interface HostPortInfo {
  containerName: string;
  containerPort: number;
  hostPort: number;
  protocol: string;
}

export interface PodInfo extends PodRef {
  roles: PodRole[];
  hostNetwork: boolean;
  hostIP: string | null;
  hostPorts: HostPortInfo[];
  labels: Record<string, string>;
  /** Container args of interest (ingress controller flags). */
  args: string[];
  images: string[];
  /** A transparent egress proxy sidecar that injects headers (seed 004), if detected. */
  egressProxy: { container: string; image: string; injectsHeaders: string[] } | null;
  ownerKind?: string | null;
  ownerName?: string | null;
}

export interface CniInfo {
  /** calico, cilium, flannel, canal, weave, kindnet, unknown. */
  name: string;
  /** Pods' egress is masqueraded to the node IP (Calico natOutgoing, flannel ip-masq, …); null = unknown (assume true). */
  natOutgoing: boolean | null;
}

export interface DiscoveryError {
  /** e.g. "ipaddresspools.metallb.io", "configmaps kube-system/kube-proxy". */
  resource: string; // fixed
  /** HTTP status, or 0 for timeouts / connection failures. */
  status: number; // fixed
  message: string; // fixed
  /** What to do about it: "grant list on ipaddresspools.metallb.io to the hopscope ServiceAccount". */
  hint: string;
  /** forbidden | unauthorized | timeout | unreachable | server-error | invalid */
  reason: string;
}

export interface ClusterInventory {
  source: ClusterSource; // fixed
  kubeProxy: KubeProxyInfo; // fixed
  nodes: NodeInfo[]; // fixed
  loadBalancers: LoadBalancerProviderInfo[]; // fixed
  services: ServiceInfo[]; // fixed
  ingresses: IngressInfo[]; // fixed
  ingressControllers: IngressControllerInfo[];
  pods: PodInfo[];
  cni: CniInfo;
  errors: DiscoveryError[]; // fixed
  discoveredAt: string;
  /** Server-side discovery time, for the scale budget. */
  durationMs: number;
}

// ───────────────────────────── /api/v1/paths ─────────────────────────────

export type EntryKind = 'loadBalancer' | 'nodePort' | 'ingress' | 'clusterIP' | 'hostPort' | 'hostNetwork' | 'egress';
export type HopKind =
  | 'client'
  | 'loadBalancer'
  | 'node'
  | 'ingressController'
  | 'service'
  | 'pod'
  | 'egressProxy'
  | 'external';
export type ClientAddressVia = 'source' | 'x-forwarded-for' | 'x-real-ip' | 'forwarded' | 'proxy-protocol' | 'none';
export type Verdict = 'preserved' | 'header' | 'lost' | 'spoofable' | 'broken' | 'unreachable';
export type Severity = 'info' | 'warning' | 'error';

/** Who an address belongs to, so predictions can be compared with observations without knowing the client's IP. */
export type AddressRole = 'client' | 'loadBalancer' | 'node' | 'pod' | 'ingressController' | 'svclb' | 'attacker' | 'none';

export interface PathEntry {
  kind: EntryKind; // fixed
  namespace: string | null; // fixed
  name: string; // fixed
  host: string | null; // fixed
  address: string | null; // fixed
  port: number | null; // fixed
  /** http, https or tcp. */
  scheme?: 'http' | 'https' | 'tcp';
}

export interface Hop {
  /** Stable within the path: "<kind>:<namespace/name or address>". */
  id: string;
  kind: HopKind; // fixed
  name: string; // fixed
  address: string | null; // fixed — the hop's own address (node IP, VIP, pod IP, ClusterIP)
  port?: number | null;
  /** The TCP peer this hop sees: a concrete IP, or "client" when it is the original client's address. */
  expectedPeer: string | null; // fixed
  expectedPeerRole: AddressRole;
  /** How the original client address reaches this hop. */
  clientAddressVia: ClientAddressVia; // fixed
  /** What this hop would take as the client (after its own trust rules): address or "client". */
  believedClient: string | null;
  believedClientRole: AddressRole;
  /** Kubernetes objects behind the hop, for the details panel. */
  objects: ObjectRef[];
  /** Relevant settings shown in the details panel (key → value as text). */
  details: Record<string, string>;
}

export interface Finding {
  severity: Severity; // fixed
  /** Stable machine-readable code, e.g. "snat-cluster-policy". */
  code: string; // fixed
  message: string; // fixed
  /** The concrete change: a YAML patch, a `kubectl patch` / annotate command, or a ConfigMap line. */
  fix: string | null; // fixed
  /** What the fix costs (uneven spread, health checks, …). */
  tradeOff?: string | null;
  /** A what-if expression that previews this fix (see lib/model/whatif.ts). */
  whatIf?: string | null;
  hopId?: string | null;
}

export interface NetPath {
  /** Stable across calls: derived from entry kind, object and address, never from list order. */
  id: string; // fixed
  entry: PathEntry; // fixed
  hops: Hop[]; // fixed
  verdict: Verdict; // fixed
  findings: Finding[]; // fixed
  /** What the final pod can truthfully learn of the client address, and how. */
  appClient: { via: ClientAddressVia; role: AddressRole; value: string | null };
  /** Prediction for an in-cluster prober (the dashboard) where it differs from an outside client. */
  inClusterNote?: string | null;
}

export interface PathsResponse {
  source: ClusterSource;
  /** The paths matching the query's filters (all of them without filters). */
  paths: NetPath[];
  /** How many paths the cluster has before filtering. */
  total: number;
  whatIf: string[];
  errors: DiscoveryError[];
}

// ───────────────────────────── /api/v1/traces ─────────────────────────────

export interface ProxyHeaderInfo {
  version: 1 | 2;
  command: 'PROXY' | 'LOCAL' | 'UNKNOWN';
  family: string;
  src: string | null;
  dst: string | null;
  srcPort: number | null;
  dstPort: number | null;
  tlvs?: { type: number; name: string; value: string }[];
}

/** What an echo server reported, normalised from any supported format. */
export interface EchoObservation {
  format: 'hopscope' | 'echoserver' | 'whoami' | 'whoami-json' | 'ealen' | 'mendhak';
  peer: string | null;
  peerPort?: number | null;
  local?: string | null;
  xForwardedFor: string[]; // one entry per header line, in order
  xRealIp: string | null;
  forwarded: string[];
  proxyProtocol: ProxyHeaderInfo | null;
  echoPod: string | null;
  echoNode: string | null;
  host: string | null;
  headers: [string, string][];
}

export type ProbeOutcome = 'ok' | 'http-error' | 'timeout' | 'refused' | 'reset' | 'empty-reply' | 'error';
export type ProbeKind = 'direct' | 'spoof' | 'health-check';

export interface ProbeTarget {
  address: string;
  port: number;
  host?: string | null;
  tls?: boolean;
  /** Send our own PROXY header first (when the path expects one at this target). */
  proxyProtocol?: 'v1' | 'v2' | null;
  /** What this target is in the inventory ("node wk-a NodePort 31543", "VIP 198.51.100.50"). */
  label: string;
}

export interface ProbeResult {
  id: string;
  pathId: string;
  kind: ProbeKind;
  target: ProbeTarget;
  startedAt: string;
  durationMs: number;
  outcome: ProbeOutcome;
  status: number | null;
  observation: EchoObservation | null;
  /** The echo's reply, trimmed to a few KiB, as text. */
  raw: string | null;
  error: string | null;
  /** Set for outcomes the model predicted (e.g. a Local node without endpoints times out). */
  expected?: boolean;
}

export interface ObservedHop {
  hopId: string;
  observedPeer: string | null;
  observedPeerRole: AddressRole;
  via: ClientAddressVia;
  matches: boolean;
}

export interface PathTrace {
  pathId: string;
  probes: ProbeResult[];
  observed: ObservedHop[];
  observedVerdict: Verdict | null;
  matchesPrediction: boolean;
  differences: string[];
  /** Where an outside client would see something else than the in-cluster prober. */
  inClusterNote?: string | null;
}

export interface TraceRun {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  /** Demo traces are simulated and labelled so; no packet is sent. */
  simulated: boolean;
  prober: { inCluster: boolean; address: string | null; note: string };
  paths: PathTrace[];
}

/** One line of the streamed (NDJSON) answer of POST /api/v1/traces. */
export type TraceEvent =
  | { type: 'start'; traceId: string; simulated: boolean; pathIds: string[]; probeCount: number }
  | { type: 'probe'; probe: ProbeResult; done: number; total: number }
  | { type: 'path'; path: PathTrace }
  | { type: 'done'; trace: TraceRun }
  | { type: 'error'; error: ApiErrorBody['error'] };

// ───────────────────────────── errors ─────────────────────────────

export interface ApiErrorBody {
  error: { code: string; message: string; hint?: string | null };
}
