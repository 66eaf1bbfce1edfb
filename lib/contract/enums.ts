// Every closed list of the public API, declared once as `as const` arrays. The zod schemas (schemas.ts), the
// TypeScript types (z.infer of those) and the UI's pickers all read these; scripts/check-contract.mjs fails the
// build when a second literal copy of one of them appears anywhere else.

export const SOURCE_MODES = ['kubeconfig', 'in-cluster', 'demo'] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];

export const KUBE_PROXY_MODES = ['iptables', 'ipvs', 'nftables', 'kernelspace', 'none', 'unknown'] as const;
export type KubeProxyMode = (typeof KUBE_PROXY_MODES)[number];

export const KUBE_PROXY_SOURCES = ['configmap', 'default', 'unknown'] as const;

export const LOAD_BALANCER_PROVIDER_KINDS = ['metallb', 'servicelb', 'cilium', 'cloud', 'unknown'] as const;
export type LoadBalancerProviderKind = (typeof LOAD_BALANCER_PROVIDER_KINDS)[number];

/** `unknown`: a Cilium LB IPAM pool no L2 announcement policy covers (BGP, which hopscope does not read, may announce it). */
export const POOL_MODES = ['layer2', 'bgp', 'layer2+bgp', 'none', 'cloud', 'servicelb', 'unknown'] as const;
export type PoolMode = (typeof POOL_MODES)[number];

export const POOL_ORIGINS = ['crd', 'configmap'] as const;

/** Cilium's eBPF load balancer for NodePort / LoadBalancer / externalIPs traffic, `bpf-lb-mode` (docs/domain.md#s2.10.2). */
export const CILIUM_LB_MODES = ['snat', 'dsr', 'hybrid'] as const;
export type CiliumLbMode = (typeof CILIUM_LB_MODES)[number];

/** How DSR hands the service address to the backend's node, `bpf-lb-dsr-dispatch` (docs/domain.md#s2.10.2). */
export const CILIUM_DSR_DISPATCHES = ['opt', 'ipip', 'geneve'] as const;
export type CiliumDsrDispatch = (typeof CILIUM_DSR_DISPATCHES)[number];

export const IP_MODES = ['VIP', 'Proxy'] as const;

/** Outside-in: the order the cluster overview lists Services in. */
export const SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP', 'ExternalName'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
export type TrafficPolicy = (typeof TRAFFIC_POLICIES)[number];

/** In-cluster proxies first; then cloud L7 load balancers that implement Ingress with no pod in the data path (docs/domain.md#s6.4). */
export const INGRESS_CONTROLLER_KINDS = ['ingress-nginx', 'traefik', 'haproxy', 'contour', 'aws-alb', 'gce', 'azure-application-gateway', 'unknown'] as const;
export type IngressControllerKind = (typeof INGRESS_CONTROLLER_KINDS)[number];

export const POD_ROLES = ['ingress-controller', 'svclb', 'echo', 'host-network', 'host-port', 'app'] as const;
export type PodRole = (typeof POD_ROLES)[number];

/** Why a resource is missing from discovery (DiscoveryError.reason). */
export const DISCOVERY_REASONS = ['forbidden', 'unauthorized', 'not-found', 'timeout', 'unreachable', 'server-error', 'invalid', 'truncated', 'too-large'] as const;
export type DiscoveryReason = (typeof DISCOVERY_REASONS)[number];

/** Entry kinds in the order the dashboard lists them. */
export const ENTRY_KINDS = ['ingress', 'loadBalancer', 'externalIP', 'nodePort', 'hostPort', 'hostNetwork', 'clusterIP', 'egress'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const ENTRY_SCHEMES = ['http', 'https', 'tcp'] as const;

export const HOP_KINDS = ['client', 'loadBalancer', 'node', 'ingressController', 'service', 'pod', 'egressProxy', 'external'] as const;
export type HopKind = (typeof HOP_KINDS)[number];

export const CLIENT_ADDRESS_VIAS = ['source', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'proxy-protocol', 'none'] as const;
export type ClientAddressVia = (typeof CLIENT_ADDRESS_VIAS)[number];

/** The order verdict pickers list them in (how bad each is: lib/model/verdict.ts). */
export const VERDICTS = ['preserved', 'header', 'lost', 'spoofable', 'broken', 'unreachable'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** From least to most severe. */
export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Who an address belongs to, so predictions can be compared with observations without knowing the client's IP. */
export const ADDRESS_ROLES = ['client', 'loadBalancer', 'node', 'pod', 'ingressController', 'svclb', 'attacker', 'none'] as const;
export type AddressRole = (typeof ADDRESS_ROLES)[number];

export const ECHO_FORMATS = ['hopscope', 'echoserver', 'whoami', 'whoami-json', 'ealen', 'mendhak'] as const;

export const PROXY_COMMANDS = ['PROXY', 'LOCAL', 'UNKNOWN'] as const;

/**
 * How one probe ended. `no-route` (ENETUNREACH / EHOSTUNREACH), `dns` (a name that does not resolve), `tls` (the
 * handshake failed) and `not-sent` (this vantage could not or would not send it: mixed content, a browser's
 * private-network refusal, a request hopscope refuses) say where the request was from, not what the cluster did:
 * they never make a verdict.
 */
export const PROBE_OUTCOMES = ['ok', 'http-error', 'timeout', 'refused', 'reset', 'empty-reply', 'no-route', 'dns', 'tls', 'not-sent', 'error'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

/** Who sent a probe: a pod of the cluster (the dashboard), the user's browser, or the CLI agent (docs/vantages.md). */
export const VANTAGE_KINDS = ['in-cluster', 'browser', 'agent'] as const;
export type VantageKind = (typeof VANTAGE_KINDS)[number];

/** Where the model predicts from: a client outside the cluster (browser, agent), or a pod inside it. */
export const PREDICTION_VANTAGES = ['outside', 'in-cluster'] as const;
export type PredictionVantage = (typeof PREDICTION_VANTAGES)[number];

export const PROBE_KINDS = ['direct', 'spoof', 'health-check'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const PROXY_VERSIONS = ['v1', 'v2'] as const;

/**
 * What an allow-list (loadBalancerSourceRanges, an ingress-nginx allow/deny list, a NetworkPolicy ipBlock) makes of
 * every client, given the address its hop sees (docs/domain.md#s10): a node / LB / proxy address outside the list keeps
 * everyone out, one inside it lets everyone in, the client's own address is what the list was written for.
 */
export const ALLOW_LIST_VERDICTS = ['blocks-everyone', 'admits-everyone', 'checks-client', 'unknown'] as const;
export type AllowListVerdict = (typeof ALLOW_LIST_VERDICTS)[number];
