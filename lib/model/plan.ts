// A path as a chain of stages, and running a request through it. Each stage is one hop of the public model and
// a pure function from what it receives to what it sends on.
import type {
  ClientAddressVia,
  CniInfo,
  Hop,
  IngressControllerInfo,
  IngressInfo,
  CiliumInfo,
  IngressRouteInfo,
  KubeProxyInfo,
  NetworkPolicyInfo,
  TraefikAllowList,
  NodeInfo,
  PathEntry,
  PodInfo,
  ProbeOutcome,
  ServiceInfo,
  TrafficPolicy,
  Verdict,
} from '@/lib/types';
import type { PodAtStage } from './allow-lists';
import type { ControllerModel } from './controllers';
import type { CloudTargets } from './controllers/cloud-l7';
import type { InClusterSource } from './kubeproxy';
import type { ControllerFailure } from './controllers/types';
import { type Flow, arrivalOf, clientRequest, renderAddress } from './flow';
import type { LoadBalancerBehaviour, LoadBalancerProvider } from './loadbalancers';
import type { TrustContext } from './trust';
import type { Arrival, ModelHop, PredictedAddress } from './types';

export type FailureKind = 'local-drop' | 'no-endpoints' | 'cloud-target-needs-nodeport' | 'no-controller' | 'not-announced' | 'proxy-protocol-not-parsed' | 'internal-local-drop' | 'tls-into-http-listener' | ControllerFailure;

export interface Failure {
  kind: FailureKind;
  verdict: 'broken' | 'unreachable';
  outcome: ProbeOutcome;
  message: string;
}

export interface StageResult {
  believed: PredictedAddress;
  via: ClientAddressVia;
  /** What goes on to the next stage; null at the last stage or on failure. */
  next: Flow | null;
  failure?: Failure;
  details?: Record<string, string>;
}

export type StageRole = 'client' | 'loadBalancer' | 'node' | 'controller' | 'service' | 'app' | 'egressProxy' | 'external';

export type HopShape = Pick<Hop, 'id' | 'kind' | 'name' | 'address' | 'port' | 'objects' | 'details'>;

export interface Stage {
  role: StageRole;
  hop: HopShape;
  pass(flow: Flow): StageResult;
}

/** What the finding rules need to know about the objects behind a path. */
export interface PlanContext {
  service?: ServiceInfo;
  provider?: LoadBalancerProvider;
  behaviour?: LoadBalancerBehaviour;
  lbAddress?: string;
  node?: NodeInfo;
  policy?: TrafficPolicy;
  /** Nodes a Local LB path leaves out because they have no ready endpoint (the LB health check drops them). */
  skippedNodes?: string[];
  ingress?: IngressInfo;
  /** The Traefik IngressRoute a path goes through. */
  ingressRoute?: IngressRouteInfo;
  /** The controller as the listener the path reaches sees it (a Traefik entry point's own settings). */
  controller?: IngressControllerInfo;
  /** Why the Traefik entry point of this path had to be assumed; absent when it was matched. */
  entryPointAssumption?: string;
  /** Traefik ipAllowList middlewares on the router this path goes through. */
  allowLists?: TraefikAllowList[];
  controllerModel?: ControllerModel;
  backend?: ServiceInfo;
  appPod?: PodInfo | null;
  /** The CNI an egress path leaves through. */
  cni?: CniInfo;
  /** internalTrafficPolicy Local: the nodes whose pods have no local endpoint, so their ClusterIP requests are dropped. */
  nodesWithoutLocalEndpoint?: string[];
  /** Node CIDR suggestions for trusted-proxy lists. */
  nodeCIDRs: string[];
  /** The pod ranges trust decisions were made against. */
  trust?: TrustContext;
  /** MetalLB layer 2 behind kube-proxy in IPVS mode without ipvs.strictARP: the configuration that says so. */
  ipvsWithoutStrictARP?: KubeProxyInfo;
  /** A Service externalIP way in, and whether the node it enters through is known (a node's own address) or assumed. */
  externalIP?: { address: string; routing: 'node-address' | 'assumed' };
  /** A cloud L7 Ingress: where its load balancer delivers, and what decided it. */
  cloudTargets?: CloudTargets;
  /** Cilium's settings, on paths through a node where Cilium runs (docs/domain.md#s2.10), with the port's protocol. */
  cilium?: { info: CiliumInfo; protocol: string };
  /** The cluster's NetworkPolicies, and the pods of the path they may select (allow-lists/network-policy.ts). */
  networkPolicies?: NetworkPolicyInfo[];
  podsAtStages?: PodAtStage[];
}

/** How a request from inside the cluster takes a path, for one prober (lib/model/vantage.ts). */
export interface InClusterWay {
  /** From the prober to the path's last hop. */
  stages: Stage[];
  /** Why a pod meets something else here than an outside client (short-circuit, pod-traffic rule, …); null if not. */
  note: string | null;
  /** kube-proxy intercepted the LB address: nothing the load balancer adds arrives (docs/domain.md#s2.6). */
  shortCircuit: boolean;
}

export interface PathPlan {
  id: string;
  entry: PathEntry;
  stages: Stage[];
  context: PlanContext;
  /** The path as a pod of the cluster takes it; absent where the model has no in-cluster view (egress). */
  inCluster?: (from: InClusterSource) => InClusterWay;
  /** Egress paths have no outside client who could forge headers toward the pod. */
  spoofCheck: boolean;
}

export interface Run {
  arrivals: (Arrival | null)[];
  results: (StageResult | null)[];
  failure: { index: number; failure: Failure } | null;
}

export function runStages(stages: Stage[], request: Flow): Run {
  const arrivals: (Arrival | null)[] = [];
  const results: (StageResult | null)[] = [];
  let flow: Flow | null = request;
  let failure: Run['failure'] = null;
  stages.forEach((stage, index) => {
    if (!flow) {
      arrivals.push(null);
      results.push(null);
      return;
    }
    const result = stage.pass(flow);
    arrivals.push(stage.role === 'client' ? null : arrivalOf(flow, result.believed, result.via));
    results.push(result);
    if (result.failure) failure = { index, failure: result.failure };
    flow = result.failure ? null : result.next;
  });
  return { arrivals, results, failure };
}

export const lastArrival = (run: Run) => [...run.arrivals].reverse().find((a): a is Arrival => a !== null) ?? null;

/**
 * The forging client: X-Forwarded-For and X-Real-IP with a made-up address, plus a made-up PROXY preamble when the
 * path would otherwise fail for want of one (a PROXY port reached without the LB, docs/lab.md#row-28).
 */
export function forgedRun(stages: Stage[]): Run {
  const plain = runStages(stages, clientRequest('forged'));
  if (plain.failure?.failure.kind !== 'proxy-protocol-not-sent') return plain;
  return runStages(stages, clientRequest('forged', true));
}

/** Path verdict: a failure first, then a forgeable belief at the last hop, then what the last hop learns. */
export function pathVerdict(honest: Run, forged: Run | null): Verdict {
  if (honest.failure) return honest.failure.failure.verdict;
  const forgedEnd = forged && !forged.failure ? lastArrival(forged) : null;
  if (forgedEnd?.believed.role === 'attacker') return 'spoofable';
  return lastArrival(honest)?.verdict ?? 'lost';
}

/** Where the client address still travels when the hop does not take it: PROXY, X-Real-IP or X-Forwarded-For. */
function carriedVia(arrival: Arrival): ClientAddressVia {
  if (arrival.proxyProtocol?.src.role === 'client') return 'proxy-protocol';
  if (arrival.xRealIp?.role === 'client') return 'x-real-ip';
  if (arrival.xForwardedFor.some((a) => a.role === 'client')) return 'x-forwarded-for';
  return 'none';
}

export function toHop(stage: Stage, arrival: Arrival | null, forged: Arrival | null, result: StageResult | null): ModelHop {
  const details = { ...stage.hop.details, ...(result?.details ?? {}) };
  if (stage.role === 'client') {
    return {
      ...stage.hop,
      details,
      expectedPeer: null,
      expectedPeerRole: 'none',
      clientAddressVia: 'source',
      believedClient: 'client',
      believedClientRole: 'client',
      arrival: null,
      forgedArrival: null,
    };
  }
  const takesClient = arrival !== null && (arrival.believed.role === 'client' || arrival.believed.role === 'attacker');
  return {
    ...stage.hop,
    details,
    expectedPeer: arrival ? renderAddress(arrival.peer) : null,
    expectedPeerRole: arrival?.peer.role ?? 'none',
    clientAddressVia: !arrival ? 'none' : takesClient ? arrival.via : carriedVia(arrival),
    believedClient: arrival ? renderAddress(arrival.believed) : null,
    believedClientRole: arrival?.believed.role ?? 'none',
    arrival,
    forgedArrival: forged,
  };
}
