// The vocabulary shared by discovery, the path model, probes, the API, the UI and snapshots — as TypeScript types
// only. Each is `z.infer` of its schema in lib/contract/schemas.ts, the one place a public shape is declared; the
// imports below are type-only, so client components that import from here pull no zod into the browser bundle.
// Raw Kubernetes `V1*` types never get past lib/k8s; everything after it speaks these types.
import type { z } from 'zod';
import type * as S from './contract/schemas';

export type {
  AddressRole,
  CiliumDsrDispatch,
  CiliumLbMode,
  AllowListVerdict,
  ClientAddressVia,
  DiscoveryReason,
  EntryKind,
  HopKind,
  IngressControllerKind,
  KubeProxyMode,
  LoadBalancerProviderKind,
  PodRole,
  PoolMode,
  ProbeKind,
  ProbeOutcome,
  ServiceType,
  Severity,
  SourceMode,
  TrafficPolicy,
  PredictionVantage,
  VantageKind,
  Verdict,
} from './contract/enums';
export type { ErrorCode } from './contract/errors';
export type { FindingCode } from './contract/finding-codes';

// /api/v1/cluster
export type ClusterSource = z.infer<typeof S.ClusterSourceSchema>;
export type KubeProxyInfo = z.infer<typeof S.KubeProxyInfoSchema>;
export type NodeInfo = z.infer<typeof S.NodeInfoSchema>;
export type LoadBalancerPool = z.infer<typeof S.LoadBalancerPoolSchema>;
export type LoadBalancerProviderInfo = z.infer<typeof S.LoadBalancerProviderInfoSchema>;
export type ServicePortInfo = z.infer<typeof S.ServicePortInfoSchema>;
export type ObjectRef = z.infer<typeof S.ObjectRefSchema>;
export type EndpointInfo = z.infer<typeof S.EndpointInfoSchema>;
export type LoadBalancerIngressInfo = z.infer<typeof S.LoadBalancerIngressInfoSchema>;
export type ServiceInfo = z.infer<typeof S.ServiceInfoSchema>;
export type EntryPointSettings = z.infer<typeof S.EntryPointSettingsSchema>;
export type IngressControllerSettings = z.infer<typeof S.IngressControllerSettingsSchema>;
export type ContainerPortInfo = z.infer<typeof S.ContainerPortInfoSchema>;
export type PodRef = z.infer<typeof S.PodRefSchema>;
export type IngressControllerInfo = z.infer<typeof S.IngressControllerInfoSchema>;
export type IngressRuleBackend = z.infer<typeof S.IngressRuleBackendSchema>;
export type IngressInfo = z.infer<typeof S.IngressInfoSchema>;
export type IngressRouteInfo = z.infer<typeof S.IngressRouteInfoSchema>;
export type TraefikAllowList = z.infer<typeof S.TraefikAllowListSchema>;
export type HostPortInfo = z.infer<typeof S.HostPortInfoSchema>;
export type PodInfo = z.infer<typeof S.PodInfoSchema>;
export type CniInfo = z.infer<typeof S.CniInfoSchema>;
export type CiliumInfo = z.infer<typeof S.CiliumInfoSchema>;
export type LabelSelector = z.infer<typeof S.LabelSelectorSchema>;
export type NetworkPolicyPeer = z.infer<typeof S.NetworkPolicyPeerSchema>;
export type NetworkPolicyPort = z.infer<typeof S.NetworkPolicyPortSchema>;
export type NetworkPolicyInfo = z.infer<typeof S.NetworkPolicyInfoSchema>;
export type DiscoveryError = z.infer<typeof S.DiscoveryErrorSchema>;
export type ClusterInventory = z.infer<typeof S.ClusterInventorySchema>;

// /api/v1/contexts
export type ContextSummary = z.infer<typeof S.ContextSummarySchema>;
export type ContextsResponse = z.infer<typeof S.ContextsResponseSchema>;

// /api/v1/paths
export type PredictedAddress = z.infer<typeof S.PredictedAddressSchema>;
export type PredictedProxyHeader = z.infer<typeof S.PredictedProxyHeaderSchema>;
export type Arrival = z.infer<typeof S.ArrivalSchema>;
export type PathEntry = z.infer<typeof S.PathEntrySchema>;
export type Hop = z.infer<typeof S.HopSchema>;
export type Finding = z.infer<typeof S.FindingSchema>;
export type NetPath = z.infer<typeof S.NetPathSchema>;
export type PathsResponse = z.infer<typeof S.PathsResponseSchema>;

// /api/v1/traces
export type ProxyHeaderInfo = z.infer<typeof S.ProxyHeaderInfoSchema>;
export type EchoObservation = z.infer<typeof S.EchoObservationSchema>;
export type ProbeTarget = z.infer<typeof S.ProbeTargetSchema>;
export type ProbeResult = z.infer<typeof S.ProbeResultSchema>;
export type ObservedHop = z.infer<typeof S.ObservedHopSchema>;
export type PathTrace = z.infer<typeof S.PathTraceSchema>;
export type TraceRun = z.infer<typeof S.TraceRunSchema>;
export type TraceEvent = z.infer<typeof S.TraceEventSchema>;
export type Vantage = z.infer<typeof S.VantageSchema>;
export type VantagePrediction = z.infer<typeof S.VantagePredictionSchema>;
export type OutsideProbe = z.infer<typeof S.OutsideProbeSchema>;
export type OutsidePlan = z.infer<typeof S.OutsidePlanSchema>;
export type OutsideReport = z.infer<typeof S.OutsideReportSchema>;
export type ReportsAnswer = z.infer<typeof S.ReportsAnswerSchema>;
export type LastTraces = z.infer<typeof S.LastTracesSchema>;

// /api/v1/snapshots
export type Snapshot = z.infer<typeof S.SnapshotSchema>;
export type SnapshotSummary = z.infer<typeof S.SnapshotSummarySchema>;
export type ShareAnswer = z.infer<typeof S.ShareAnswerSchema>;

// errors
export type ApiError = z.infer<typeof S.ApiErrorSchema>;
export type ApiErrorBody = z.infer<typeof S.ApiErrorBodySchema>;
