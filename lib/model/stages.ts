// The hop stages paths are built from. Each stage applies one documented rule (see the function it calls).
import type {
  CniInfo,
  EndpointInfo,
  IngressControllerInfo,
  NodeInfo,
  ObjectRef,
  PodInfo,
  PodRef,
  ServiceInfo,
  TrafficPolicy,
} from '@/lib/types';
import { ciliumDetails, ciliumExternalAtNode, type NodeProxy } from './cilium';
import type { ControllerModel } from './controllers';
import { type Claim, type Flow, address, appBelief, withPeer } from './flow';
import {
  clusterIPFromPod,
  egressSource,
  externalTrafficAtNode,
  hasReadyEndpointOn,
  hostPortOrNetwork,
  type InClusterSource,
  kubeExtFromInside,
  leavingTheNode,
  masqueradeOnNode,
  podTrafficAtOtherNode,
  readyEndpoints,
  representativeEndpoint,
  routedToPod,
} from './kubeproxy';
import type { LoadBalancerBehaviour, LoadBalancerProvider } from './loadbalancers';
import type { HopShape, Stage, StageResult } from './plan';
import type { TrustContext } from './trust';

const serviceRef = (s: ServiceInfo): ObjectRef => ({ kind: 'Service', namespace: s.namespace, name: s.name });
const nodeRef = (n: NodeInfo): ObjectRef => ({ kind: 'Node', name: n.name });
const podRef = (p: PodRef): ObjectRef => ({ kind: 'Pod', namespace: p.namespace, name: p.name });
const sees = (flow: Flow, next: Flow | null): StageResult => ({ ...appBelief(flow), next });

export function clientStage(name = 'client'): Stage {
  return {
    role: 'client',
    hop: { id: 'client', kind: 'client', name, address: null, port: null, objects: [], details: {} },
    pass: (flow) => ({ believed: flow.peer, via: 'source', next: flow }),
  };
}

/** The source pod of an egress path: it is the "client" whose address the outside host should learn. */
export function sourcePodStage(pod: PodInfo | null, nodeName: string | null): Stage {
  return {
    role: 'client',
    hop: {
      id: pod ? `pod:${pod.namespace}/${pod.name}` : 'pod:any',
      kind: 'pod',
      name: pod ? pod.name : 'any pod',
      address: pod?.ip ?? null,
      port: null,
      objects: pod ? [podRef(pod)] : [],
      details: nodeName ? { node: nodeName } : {},
    },
    pass: (flow) => ({ believed: flow.peer, via: 'source', next: flow }),
  };
}

/**
 * The load balancer in front of the nodes (table in loadbalancers.ts). passthrough: DNAT only (docs/lab.md#row-10);
 * proxy: a new connection from the LB, optionally with PROXY (docs/lab.md#row-16–#row-17) or an X-Forwarded-For line (docs/lab.md#row-15, #row-18);
 * svclb: k3s klipper-lb MASQUERADEs to its pod address (docs/domain.md#s5).
 */
export function loadBalancerStage(input: {
  service: ServiceInfo;
  provider: LoadBalancerProvider;
  behaviour: LoadBalancerBehaviour;
  lbAddress: string;
  port: number;
  announcingNode: NodeInfo | null;
  svclbPod: PodInfo | null;
  /** False when no node answers for the address (a MetalLB pool without advertisement). */
  announced: boolean;
}): Stage {
  const { service, provider, behaviour, lbAddress, port, announcingNode, svclbPod, announced } = input;
  const ingress = service.loadBalancerIngress.find((i) => i.ip === lbAddress || i.hostname === lbAddress);
  const details: Record<string, string> = {
    provider: provider.label,
    mode: behaviour.mode,
    'PROXY protocol': behaviour.proxyProtocol ? `v${behaviour.proxyProtocol.version ?? '1/2'}` : 'off',
    'X-Forwarded-For': String(behaviour.xForwardedFor),
    ipMode: ingress?.ipMode ?? 'VIP (unset)',
  };
  if (announcingNode) details['announced by'] = announcingNode.name;
  if (behaviour.mode === 'proxy') details['source seen by the backend'] = 'the LB member-port address (not discoverable)';
  const objects = [serviceRef(service)];
  if (svclbPod) objects.push(podRef(svclbPod));
  return {
    role: 'loadBalancer',
    hop: {
      id: `loadBalancer:${lbAddress}`,
      kind: 'loadBalancer',
      name: behaviour.mode === 'svclb' ? `${svclbPod?.name ?? 'svclb'} (${provider.label})` : `${provider.label} ${lbAddress}`,
      address: lbAddress,
      port,
      objects,
      details,
    },
    pass(flow) {
      const believed = { believed: flow.peer, via: 'source' as const };
      if (!announced) {
        return {
          ...believed,
          next: null,
          failure: { kind: 'not-announced', verdict: 'unreachable', outcome: 'timeout', message: 'no node announces the address' },
        };
      }
      if (behaviour.tlsIntoHttpListener) {
        return {
          ...believed,
          next: null,
          failure: { kind: 'tls-into-http-listener', verdict: 'broken', outcome: 'tls', message: 'the LB listener speaks plain HTTP on a port clients open with a TLS handshake' },
        };
      }
      if (behaviour.mode === 'passthrough') return { ...believed, next: flow };
      if (behaviour.mode === 'svclb') return { ...believed, next: withPeer(flow, address('svclb', svclbPod?.ip ?? null)) };
      const appended: Claim[] = behaviour.xForwardedFor ? [{ address: flow.peer, vouched: true }] : [];
      return {
        ...believed,
        next: {
          peer: address('loadBalancer', null),
          proxyProtocol: behaviour.proxyProtocol ? { version: behaviour.proxyProtocol.version, src: flow.peer } : null,
          xForwardedFor: [...flow.xForwardedFor, ...appended],
          xRealIp: flow.xRealIp,
          otherHeader: flow.otherHeader ?? null,
        },
      };
    },
  };
}

/** Nodes a grouped path also stands for (large clusters): how many, and the first few names. */
export interface AlikeNodes {
  count: number;
  sample: string[];
}
export const ALIKE_SAMPLE = 5;

const sameFor = ({ count, sample }: AlikeNodes) =>
  `${count} more node${count === 1 ? '' : 's'}: ${sample.join(', ')}${count > sample.length ? ', …' : ''}`;

/**
 * The receiving node for a NodePort / LB address: kube-proxy (docs/domain.md#s2.5; docs/lab.md#row-6–#row-12), or
 * Cilium's eBPF load balancer where it replaces kube-proxy (cilium.ts, docs/domain.md#s2.10.2).
 */
export function nodePortStage(
  service: ServiceInfo,
  node: NodeInfo,
  port: number | null,
  proxy: NodeProxy,
  cni: CniInfo,
  alikeNodes: AlikeNodes = { count: 0, sample: [] },
  protocol = 'TCP',
): Stage {
  const policy: TrafficPolicy = service.externalTrafficPolicy ?? 'Cluster';
  const local = hasReadyEndpointOn(service, node.name);
  const usable = readyEndpoints(service);
  const allLocal = usable.length > 0 && usable.every((e) => e.nodeName === node.name);
  const cilium = proxy.kind === 'cilium' ? proxy.cilium : null;
  // kube-proxy's masquerade writes the address of the interface towards the endpoint the path shows (a local one
  // first): on a bridge CNI that is the bridge for a local endpoint (docs/domain.md#s2.12). Cilium's SNAT writes the
  // node's direct-routing address (docs/domain.md#s2.10.2).
  const masquerade = !cilium && policy === 'Cluster' ? masqueradeOnNode(cni, node, representativeEndpoint(service, node.name)?.nodeName ?? null) : null;
  const decide = (peer: Flow['peer']) =>
    cilium
      ? ciliumExternalAtNode(cilium, service, policy, node, local, allLocal, protocol, peer)
      : { delivery: externalTrafficAtNode(policy, node, local, peer, masquerade?.peer), forwarding: null };
  const forwarding = decide(address('client', null)).forwarding;
  return {
    role: 'node',
    hop: {
      id: `node:${node.name}`,
      kind: 'node',
      name: cilium ? `${node.name} (Cilium eBPF)` : node.name,
      address: node.internalIP,
      port,
      objects: [nodeRef(node), serviceRef(service)],
      details: {
        externalTrafficPolicy: policy,
        ...(cilium && forwarding ? ciliumDetails(cilium, forwarding) : { 'kube-proxy mode': proxy.kind === 'kube-proxy' ? proxy.mode : '' }),
        'ready local endpoints': String(service.endpoints.filter((e) => e.ready && e.nodeName === node.name).length),
        ...(service.healthCheckNodePort ? { healthCheckNodePort: String(service.healthCheckNodePort) } : {}),
        ...(alikeNodes.count > 0 ? { 'same for': sameFor(alikeNodes) } : {}),
        ...(masquerade ? { 'SNAT address': masquerade.why } : {}),
      },
    },
    pass(flow) {
      // No usable endpoint anywhere: kube-proxy REJECTs, whatever the policy (docs/domain.md#s2.7).
      if (usable.length === 0) {
        return {
          believed: flow.peer,
          via: 'source',
          next: null,
          failure: { kind: 'no-endpoints', verdict: 'unreachable', outcome: 'refused', message: 'no ready endpoint' },
        };
      }
      const { delivery } = decide(flow.peer);
      if (delivery.action === 'drop') {
        return {
          believed: flow.peer,
          via: 'source',
          next: null,
          failure: { kind: 'local-drop', verdict: 'unreachable', outcome: 'timeout', message: 'dropped: no local endpoint' },
        };
      }
      const kept = cilium && forwarding?.mode === 'dsr' && policy === 'Cluster' ? 'none (DSR: the backend answers the client directly)' : 'none';
      return {
        believed: flow.peer,
        via: 'source',
        next: withPeer(flow, delivery.peer),
        details: { SNAT: delivery.snat ? `to ${delivery.peer.address ?? node.name}${cilium ? ' when the backend is on another node' : ''}` : kept },
      };
    },
  };
}

/** A pod reached on its node's address: hostPort (CNI portmap DNAT) or hostNetwork (the node's own socket). */
export function hostStage(pod: PodInfo, node: NodeInfo | null, port: number): Stage {
  return {
    role: 'node',
    hop: {
      id: `node:${node?.name ?? pod.nodeName ?? 'unknown'}`,
      kind: 'node',
      name: node?.name ?? pod.nodeName ?? 'unknown node',
      address: node?.internalIP ?? pod.hostIP,
      port,
      objects: node ? [nodeRef(node), podRef(pod)] : [podRef(pod)],
      details: { [pod.hostNetwork ? 'hostNetwork' : 'hostPort']: String(port), SNAT: 'none' },
    },
    pass: (flow) => ({ believed: flow.peer, via: 'source', next: withPeer(flow, hostPortOrNetwork(flow.peer)) }),
  };
}

/** A pod of the cluster (or its node, for a prober in the host network) as a path's first hop. */
export function inClusterClientStage(from: InClusterSource): Stage {
  return {
    role: 'client',
    hop: {
      id: 'client',
      kind: 'client',
      name: from.node ? `a pod on ${from.node.name}` : 'a pod in the cluster',
      address: from.self.address,
      port: null,
      objects: [],
      details: {},
    },
    pass: (flow) => ({ believed: flow.peer, via: 'source', next: withPeer(flow, from.self) }),
  };
}

const callerNodeHop = (from: InClusterSource, details: Record<string, string>, objects: ObjectRef[] = []): HopShape => ({
  id: `node:${from.node?.name ?? 'caller'}`,
  kind: 'node',
  name: from.node?.name ?? "the caller's node",
  address: from.node?.internalIP ?? null,
  port: null,
  objects,
  details,
});

/**
 * kube-proxy on the node a request from inside starts on, for a VIP-mode LB address it intercepts or that node's own
 * NodePort: the KUBE-EXT chain (kubeproxy.ts kubeExtFromInside, docs/domain.md#s2.7). The load balancer is never met.
 */
export function ownNodeStage(service: ServiceInfo, from: InClusterSource, what: string): Stage {
  const policy = service.externalTrafficPolicy ?? 'Cluster';
  const delivery = kubeExtFromInside(policy, service, from);
  return {
    role: 'node',
    hop: callerNodeHop(from, { [what]: delivery.rule, externalTrafficPolicy: policy }, [serviceRef(service)]),
    pass(flow) {
      if (delivery.action === 'reject') {
        return { believed: flow.peer, via: 'source', next: null, failure: { kind: 'no-endpoints', verdict: 'unreachable', outcome: 'refused', message: 'no ready endpoint' } };
      }
      if (delivery.action === 'drop') {
        return { believed: flow.peer, via: 'source', next: null, failure: { kind: 'local-drop', verdict: 'unreachable', outcome: 'timeout', message: 'dropped: no local endpoint' } };
      }
      return { believed: flow.peer, via: 'source', next: withPeer(flow, delivery.peer) };
    },
  };
}

/** A request that leaves the prober's node for another host: the CNI's masquerade of pod traffic (docs/domain.md#s2.8). */
export function leaveNodeStage(cni: CniInfo, from: InClusterSource): Stage {
  return {
    role: 'node',
    hop: callerNodeHop(from, { CNI: cni.name, natOutgoing: cni.natOutgoing === null ? 'unknown (assumed on)' : String(cni.natOutgoing) }),
    pass: (flow) => ({ believed: flow.peer, via: 'source', next: withPeer(flow, leavingTheNode(cni, { ...from, self: flow.peer })) }),
  };
}

/**
 * Another node's NodePort reached from a pod: still pod traffic (natOutgoing off) it takes the "pod traffic" rule to
 * any endpoint (docs/domain.md#s2.7); masqueraded, it is external traffic at that node (nodePortStage).
 */
export function otherNodePortStage(service: ServiceInfo, node: NodeInfo, port: number | null, proxy: NodeProxy, cni: CniInfo, from: InClusterSource, protocol = 'TCP'): Stage {
  const external = nodePortStage(service, node, port, proxy, cni, undefined, protocol);
  return {
    ...external,
    pass(flow) {
      if (!podTrafficAtOtherNode(flow.peer, from) || readyEndpoints(service).length === 0) return external.pass(flow);
      return { believed: flow.peer, via: 'source', next: flow, details: { SNAT: 'none (pod traffic)' } };
    },
  };
}

/** The ingress controller pod (controllers/): PROXY / forwarded-header trust, then its own upstream request. */
export function controllerStage(
  controller: IngressControllerInfo,
  model: ControllerModel,
  pod: PodRef | null,
  trust: TrustContext,
): Stage {
  return {
    role: 'controller',
    hop: {
      id: `ingressController:${pod ? `${pod.namespace}/${pod.name}` : controller.id}`,
      kind: 'ingressController',
      name: pod?.name ?? controller.id,
      address: pod?.ip ?? null,
      port: null,
      objects: [
        ...(pod ? [podRef(pod)] : []),
        ...(controller.configMap ? [{ kind: 'ConfigMap', namespace: controller.configMap.split('/')[0], name: controller.configMap.split('/')[1] ?? '' }] : []),
      ],
      details: { controller: controller.id, kind: model.label },
    },
    pass(flow) {
      if (!pod) {
        return {
          believed: flow.peer,
          via: 'source',
          next: null,
          failure: { kind: 'no-endpoints', verdict: 'unreachable', outcome: 'refused', message: 'no ready controller pod' },
        };
      }
      const result = model.receive(flow, controller, address('ingressController', pod.ip), trust);
      if (!result.ok) {
        return {
          ...appBelief(flow),
          next: null,
          details: result.details,
          failure: { kind: result.failure, verdict: 'broken', outcome: result.outcome, message: result.message },
        };
      }
      return { believed: result.believed, via: result.via, next: result.upstream, details: result.details };
    },
  };
}

/**
 * A ClusterIP hop: pods reaching a Service are never SNAT'd (docs/domain.md#s2.4; docs/lab.md#row-2–#row-3), except a
 * `caller` that is the Service's only endpoint, which reaches itself and is masqueraded (hairpin, docs/domain.md#s2.7).
 */
export function clusterIPStage(service: ServiceInfo, port: number | null, afterController: boolean, caller: { ip: string | null; node: NodeInfo | null; cni?: CniInfo } | null = null): Stage {
  return {
    role: 'service',
    hop: {
      id: `service:${service.namespace}/${service.name}`,
      kind: 'service',
      name: service.name,
      address: service.clusterIP,
      port,
      objects: [serviceRef(service)],
      details: { type: service.type, 'ready endpoints': String(readyEndpoints(service).length) },
    },
    pass(flow) {
      // internalTrafficPolicy Local: kube-proxy DROPs ClusterIP traffic on a node without a local endpoint (docs/domain.md#s2.5).
      if (!afterController && service.internalTrafficPolicy === 'Local' && caller?.node && !hasReadyEndpointOn(service, caller.node.name)) {
        return {
          ...appBelief(flow),
          next: null,
          failure: { kind: 'internal-local-drop', verdict: 'unreachable', outcome: 'timeout', message: `dropped: internalTrafficPolicy Local and no endpoint on ${caller.node.name}` },
        };
      }
      if (readyEndpoints(service).length === 0) {
        return {
          ...appBelief(flow),
          next: null,
          // Behind a controller the client gets 503 from it; a pod calling the ClusterIP is refused.
          failure: {
            kind: 'no-endpoints',
            verdict: 'unreachable',
            outcome: afterController ? 'http-error' : 'refused',
            message: 'no ready endpoint',
          },
        };
      }
      const endpoints = readyEndpoints(service);
      // kube-proxy picks any endpoint; only when the caller is the only one does it certainly reach itself.
      const self = caller?.ip && endpoints.every((e) => e.ip === caller.ip) ? endpoints[0]! : null;
      const peer = self ? clusterIPFromPod(caller!.ip, self, caller!.node, flow.peer, caller!.cni) : routedToPod(flow.peer);
      return sees(flow, withPeer(flow, peer));
    },
  };
}

/**
 * The application pod: the last pod hop, reading the client the way an app does (flow.ts appBelief). Only a pod known
 * to parse PROXY (the hopscope echo) survives a preamble: any other HTTP server reads it as a malformed request line and
 * answers 400 (echoserver's nginx listens without `proxy_protocol`, docs/domain.md#s8.1, #src-S1; docs/lab.md#row-21).
 */
export function appStage(endpoint: EndpointInfo, pod: PodInfo | null): Stage {
  const parsesProxy = pod?.parsesProxyProtocol === true;
  const name = pod?.name ?? endpoint.targetRef?.name ?? endpoint.ip;
  const namespace = pod?.namespace ?? endpoint.targetRef?.namespace ?? null;
  return {
    role: 'app',
    hop: {
      id: namespace ? `pod:${namespace}/${name}` : `pod:${endpoint.ip}`,
      kind: 'pod',
      name,
      address: endpoint.ip,
      port: null,
      objects: namespace ? [{ kind: 'Pod', namespace, name }] : [],
      details: { node: endpoint.nodeName ?? 'unknown', 'parses PROXY': parsesProxy ? 'yes (hopscope echo)' : 'no' },
    },
    pass(flow) {
      if (flow.proxyProtocol && !parsesProxy) {
        return {
          ...appBelief(flow),
          next: null,
          failure: { kind: 'proxy-protocol-not-parsed', verdict: 'broken', outcome: 'http-error', message: 'the application reads the PROXY preamble as an HTTP request line and answers 400 Bad Request' },
        };
      }
      return sees(flow, null);
    },
  };
}

/** A transparent egress proxy sidecar that writes pod details into request headers (docs/sources.md#seed-004). */
export function egressProxyStage(pod: PodInfo): Stage {
  const proxy = pod.egressProxy!;
  const writesXff = proxy.injectsHeaders.some((h) => h.toLowerCase() === 'x-forwarded-for');
  return {
    role: 'egressProxy',
    hop: {
      id: `egressProxy:${pod.namespace}/${pod.name}/${proxy.container}`,
      kind: 'egressProxy',
      name: proxy.container,
      address: pod.ip,
      port: null,
      objects: [podRef(pod)],
      details: { image: proxy.image, 'injects headers': proxy.injectsHeaders.join(', ') || '(none)' },
    },
    // The sidecar shares the pod's network namespace, so the connection still leaves from the pod address.
    pass: (flow) => ({
      believed: flow.peer,
      via: 'source',
      next: writesXff ? { ...flow, xForwardedFor: [...flow.xForwardedFor, { address: flow.peer, vouched: true }] } : flow,
    }),
  };
}

/** The node a pod's traffic leaves through: CNI masquerade to the node IP unless natOutgoing is off. */
export function egressNodeStage(cni: { name: string; natOutgoing: boolean | null }, node: NodeInfo | null): Stage {
  return {
    role: 'node',
    hop: {
      id: `node:${node?.name ?? 'any'}`,
      kind: 'node',
      name: node?.name ?? "the pod's node",
      address: node?.internalIP ?? null,
      port: null,
      objects: node ? [nodeRef(node)] : [],
      details: { CNI: cni.name, natOutgoing: cni.natOutgoing === null ? 'unknown (assumed on)' : String(cni.natOutgoing) },
    },
    pass: (flow) => ({ believed: flow.peer, via: 'source', next: withPeer(flow, egressSource(cni, node, flow.peer)) }),
  };
}

export function externalStage(): Stage {
  return {
    role: 'external',
    hop: { id: 'external', kind: 'external', name: 'host outside the cluster', address: null, port: null, objects: [], details: {} },
    pass: (flow) => sees(flow, null),
  };
}

/** An Ingress no controller claims: nothing listens for it. */
export function missingControllerStage(className: string | null): Stage {
  return {
    role: 'controller',
    hop: {
      id: 'ingressController:none',
      kind: 'ingressController',
      name: 'no controller',
      address: null,
      port: null,
      objects: [],
      details: { ingressClassName: className ?? '(none)' },
    },
    pass: (flow) => ({
      believed: flow.peer,
      via: 'source',
      next: null,
      failure: { kind: 'no-controller', verdict: 'unreachable', outcome: 'refused', message: 'no controller serves this Ingress' },
    }),
  };
}
