// buildPaths: every way into the cluster as a chain of hops, with what each hop sees of the client, the verdict
// and the findings. Pure: plain inventory in, plain paths out. Path ids come from entry kind + object + address
// (+ receiving node), never from list order, and the result is sorted by id.
import { formatCidr, parseCidr } from '@/lib/net/cidr';
import type {
  ClusterInventory,
  IngressControllerInfo,
  IngressInfo,
  NodeInfo,
  PathEntry,
  PodInfo,
  ServiceInfo,
  ServicePortInfo,
} from '@/lib/types';
import { controllerModel } from './controllers';
import { clientRequest } from './flow';
import { diagnose, finding } from './findings';
import {
  controllerPodFor,
  eligibleLoadBalancerNodes,
  isShortCircuitedInCluster,
  representativeEndpoint,
} from './kubeproxy';
import { resolveProvider } from './loadbalancers';
import { type PathPlan, type PlanContext, type Stage, forgedRun, pathVerdict, runStages, toHop } from './plan';
import {
  ALIKE_SAMPLE,
  type AlikeNodes,
  appStage,
  clientStage,
  clusterIPStage,
  controllerStage,
  egressNodeStage,
  egressProxyStage,
  externalStage,
  hostStage,
  loadBalancerStage,
  missingControllerStage,
  nodePortStage,
  shortCircuitStage,
  sourcePodStage,
} from './stages';
import { type TrustContext, trustContextOf } from './trust';
import type { ModelPath, WhatIf } from './types';
import { applyWhatIf } from './whatif';

interface Model {
  inventory: ClusterInventory;
  trust: TrustContext;
  nodeCIDRs: string[];
  nodes: NodeInfo[];
  /** Ready nodes with an address: where NodePorts answer. */
  readyNodes: NodeInfo[];
  lbEligibleNodes: NodeInfo[];
  nodeByName: Map<string, NodeInfo>;
  podByIp: Map<string, PodInfo>;
}

/** The way into a Service up to the node (or LB) that hands the request to its endpoints. */
interface Prefix {
  id: string;
  entry: PathEntry;
  stages: Stage[];
  context: Partial<PlanContext>;
  node: NodeInfo | null;
  inCluster?: { stages: Stage[]; note: string };
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
const byRef = <T extends { namespace: string; name: string }>(a: T, b: T) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/** The /24 (IPv4) or /64 (IPv6) around each node: a concrete starting point for trusted-proxy lists. */
function nodeCIDRsOf(nodes: NodeInfo[]): string[] {
  const cidrs = nodes
    .map((n) => n.internalIP)
    .filter((ip): ip is string => ip !== null)
    .map((ip) => parseCidr(`${ip}/${ip.includes(':') ? 64 : 24}`))
    .filter((c) => c !== null)
    .map(formatCidr);
  return [...new Set(cidrs)].sort();
}

function modelOf(inventory: ClusterInventory): Model {
  const nodes = [...inventory.nodes].sort(byName);
  return {
    inventory,
    trust: trustContextOf(inventory),
    nodeCIDRs: nodeCIDRsOf(nodes),
    nodes,
    readyNodes: nodes.filter((n) => n.ready && n.internalIP !== null),
    lbEligibleNodes: eligibleLoadBalancerNodes(nodes),
    nodeByName: new Map(nodes.map((n) => [n.name, n])),
    podByIp: new Map(inventory.pods.filter((p) => p.ip).map((p) => [p.ip!, p])),
  };
}

/** The controller a Service fronts: the one naming it, else the one whose pods are its endpoints. */
function controllerBehind(m: Model, svc: ServiceInfo): IngressControllerInfo | null {
  const controllers = m.inventory.ingressControllers;
  const isEndpoint = (c: IngressControllerInfo) =>
    svc.endpoints.some((e) =>
      c.pods.some((p) => (e.targetRef ? e.targetRef.name === p.name && (e.targetRef.namespace ?? svc.namespace) === p.namespace : e.ip === p.ip)),
    );
  return controllers.find((c) => c.namespace === svc.namespace && c.service === svc.name) ?? controllers.find(isEndpoint) ?? null;
}

const schemeOf = (port: ServicePortInfo): 'http' | 'https' | 'tcp' =>
  port.port === 443 || /https/.test(port.name) ? 'https' : port.port === 80 || /http/.test(port.name) ? 'http' : 'tcp';

// ───────────── ways in (prefixes) ─────────────

/** Up to this many nodes each node gets its own path; above it, one path per group of nodes that behave alike. */
export const PER_NODE_PATH_LIMIT = 8;

interface NodeGroup {
  node: NodeInfo;
  /** Other nodes with the same outcome (same policy, same local-endpoint answer: netlab rows 6–9). */
  alike: AlikeNodes;
}

function nodeGroups(svc: ServiceInfo, nodes: NodeInfo[]): NodeGroup[] {
  if (nodes.length <= PER_NODE_PATH_LIMIT) return nodes.map((node) => ({ node, alike: { count: 0, sample: [] } }));
  const withEndpoint = new Set(svc.endpoints.filter((e) => e.ready && e.nodeName).map((e) => e.nodeName));
  const groups = new Map<string, NodeGroup>();
  for (const n of nodes) {
    const key = svc.externalTrafficPolicy === 'Local' ? String(withEndpoint.has(n.name)) : 'cluster';
    const group = groups.get(key);
    if (!group) groups.set(key, { node: n, alike: { count: 0, sample: [] } });
    else if (++group.alike.count <= ALIKE_SAMPLE) group.alike.sample.push(n.name);
  }
  return [...groups.values()];
}

/** The nodes an LB address reaches, per provider (DOMAIN §4, §5, §7), and those a Local health check leaves out. */
function receivingNodes(m: Model, svc: ServiceInfo, providerId: string): { nodes: NodeInfo[]; skipped: string[] } {
  const eligible = m.lbEligibleNodes;
  const named = (names: string[]) => names.map((n) => m.nodeByName.get(n)).filter((n): n is NodeInfo => n !== undefined);
  // MetalLB allocates from a pool no L2/BGP advertisement covers: nobody answers for the address (DOMAIN §4).
  const pool = m.inventory.loadBalancers.flatMap((p) => (p.provider === 'metallb' ? p.pools : [])).find((p) => p.name === svc.loadBalancerPool);
  if (providerId === 'metallb' && pool?.mode === 'none' && !svc.announcingNode) return { nodes: [], skipped: [] };
  // MetalLB L2: exactly one speaker announces the VIP, and all traffic enters through that node.
  if (providerId === 'metallb' && svc.announcingNode) return { nodes: named([svc.announcingNode]), skipped: [] };
  // MetalLB BGP announcers / k3s nodes running a ready svclb pod, as discovered.
  if ((providerId === 'metallb' || providerId === 'servicelb') && svc.announcingNodes.length > 0) {
    return { nodes: named([...svc.announcingNodes].sort()), skipped: [] };
  }
  if (svc.externalTrafficPolicy !== 'Local' || providerId === 'servicelb') return { nodes: eligible, skipped: [] };
  // Local: the LB health check on healthCheckNodePort (cloud) or the speakers (MetalLB BGP) skip nodes without endpoints.
  const local = new Set(svc.endpoints.filter((e) => e.ready).map((e) => e.nodeName));
  const withEndpoints = eligible.filter((n) => local.has(n.name));
  if (withEndpoints.length === 0) return { nodes: eligible, skipped: [] };
  return { nodes: withEndpoints, skipped: eligible.filter((n) => !local.has(n.name)).map((n) => n.name) };
}

function lbAddresses(svc: ServiceInfo): string[] {
  const fromIngress = svc.loadBalancerIngress.map((i) => i.ip ?? i.hostname).filter((a): a is string => Boolean(a));
  return [...new Set(fromIngress.length > 0 ? fromIngress : svc.loadBalancerIPs)].sort();
}

function loadBalancerPrefixes(m: Model, svc: ServiceInfo, port: ServicePortInfo): Prefix[] {
  const provider = resolveProvider(svc, m.inventory);
  const behaviour = provider.behaviour(svc, port.port);
  const { nodes, skipped } = receivingNodes(m, svc, provider.id);
  const kubeProxyMode = m.inventory.kubeProxy.mode;
  return lbAddresses(svc).flatMap((lbAddress): Prefix[] => {
    const base = `loadBalancer:${svc.namespace}/${svc.name}:${lbAddress}:${port.port}`;
    const entry: PathEntry = {
      kind: 'loadBalancer',
      namespace: svc.namespace,
      name: svc.name,
      host: null,
      address: lbAddress,
      port: port.port,
      scheme: schemeOf(port),
    };
    const context: Partial<PlanContext> = { service: svc, provider, behaviour, lbAddress, policy: svc.externalTrafficPolicy ?? 'Cluster', skippedNodes: skipped };
    const inCluster = isShortCircuitedInCluster(svc, lbAddress)
      ? {
          stages: [clientStage('a pod in the cluster'), shortCircuitStage(svc, lbAddress)],
          note: `Pods that connect to ${lbAddress} never reach the load balancer: kube-proxy routes them straight to the endpoints (ipMode VIP)${behaviour.proxyProtocol ? ', so they send no PROXY preamble' : ''}${behaviour.xForwardedFor ? ' and get no X-Forwarded-For from the LB' : ''}.`,
        }
      : undefined;
    const lb = (node: NodeInfo | null) =>
      loadBalancerStage({
        service: svc,
        provider,
        behaviour,
        lbAddress,
        port: port.port,
        announcingNode: provider.id === 'metallb' && svc.announcingNode ? node : null,
        svclbPod: behaviour.mode === 'svclb' ? svclbPodOn(m, svc, node) : null,
        announced: behaviour.targets === 'pods' || nodes.length > 0,
      });
    if (behaviour.targets === 'pods' || nodes.length === 0) {
      return [{ id: base, entry, stages: [clientStage(), lb(null)], context, node: null, inCluster }];
    }
    return nodeGroups(svc, nodes).map(({ node, alike }) => ({
      id: `${base}@${node.name}`,
      entry,
      // svclb forwards from its own pod, so the node's NodePort rules do not see the client (§5).
      stages:
        behaviour.mode === 'svclb'
          ? [clientStage(), lb(node)]
          : [clientStage(), lb(node), nodePortStage(svc, node, port.nodePort, kubeProxyMode, alike)],
      context: { ...context, node },
      node,
      inCluster,
    }));
  });
}

function svclbPodOn(m: Model, svc: ServiceInfo, node: NodeInfo | null): PodInfo | null {
  return (
    m.inventory.pods.find(
      (p) =>
        p.roles.includes('svclb') &&
        p.nodeName === node?.name &&
        p.labels['svccontroller.k3s.cattle.io/svcname'] === svc.name &&
        (p.labels['svccontroller.k3s.cattle.io/svcnamespace'] ?? svc.namespace) === svc.namespace,
    ) ?? null
  );
}

function nodePortPrefixes(m: Model, svc: ServiceInfo, port: ServicePortInfo): Prefix[] {
  if (port.nodePort === null) return [];
  const nodePort = port.nodePort;
  return nodeGroups(svc, m.readyNodes).map(({ node, alike }) => ({
    id: `nodePort:${svc.namespace}/${svc.name}:${nodePort}@${node.name}`,
    entry: { kind: 'nodePort', namespace: svc.namespace, name: svc.name, host: null, address: node.internalIP, port: nodePort, scheme: schemeOf(port) },
    stages: [clientStage(), nodePortStage(svc, node, nodePort, m.inventory.kubeProxy.mode, alike)],
    context: { service: svc, node, policy: svc.externalTrafficPolicy ?? 'Cluster' },
    node,
  }));
}

function clusterIPPrefix(svc: ServiceInfo, port: ServicePortInfo): Prefix {
  return {
    id: `clusterIP:${svc.namespace}/${svc.name}:${port.port}`,
    entry: { kind: 'clusterIP', namespace: svc.namespace, name: svc.name, host: null, address: svc.clusterIP, port: port.port, scheme: schemeOf(port) },
    stages: [clientStage('a pod in the cluster'), clusterIPStage(svc, port.port, false)],
    context: { service: svc },
    node: null,
  };
}

/** The ways into a Service from outside (LB, else NodePort) — what an Ingress reaches its controller through. */
function outsidePrefixes(m: Model, svc: ServiceInfo, port: ServicePortInfo): Prefix[] {
  if (svc.type === 'LoadBalancer' && lbAddresses(svc).length > 0) return loadBalancerPrefixes(m, svc, port);
  if (svc.type === 'NodePort' || svc.type === 'LoadBalancer') return nodePortPrefixes(m, svc, port);
  return svc.clusterIP ? [clusterIPPrefix(svc, port)] : [];
}

function hostPrefixes(m: Model, pod: PodInfo): Prefix[] {
  const node = pod.nodeName ? (m.nodeByName.get(pod.nodeName) ?? null) : null;
  const kind = pod.hostNetwork ? 'hostNetwork' : 'hostPort';
  return [...pod.hostPorts]
    .sort((a, b) => a.hostPort - b.hostPort)
    .map((hp) => ({
      id: `${kind}:${pod.namespace}/${pod.name}:${hp.hostPort}`,
      entry: { kind, namespace: pod.namespace, name: pod.name, host: null, address: node?.internalIP ?? pod.hostIP, port: hp.hostPort, scheme: hp.hostPort === 443 ? 'https' : 'http' },
      stages: [clientStage(), hostStage(pod, node, hp.hostPort)],
      context: { node: node ?? undefined },
      node,
    }));
}

// ───────────── tails: from the node to the answering pod ─────────────

function podOf(m: Model, ip: string): PodInfo | null {
  return m.podByIp.get(ip) ?? null;
}

/** After the Service's own way in: its controller (for a controller's Service) or the app pod. */
function serviceTail(m: Model, svc: ServiceInfo, node: NodeInfo | null): { stages: Stage[]; context: Partial<PlanContext> } {
  const controller = controllerBehind(m, svc);
  const endpoint = representativeEndpoint(svc, node?.name ?? null);
  if (controller) {
    const model = controllerModel(controller.kind);
    const pod = endpoint ? (controller.pods.find((p) => p.ip === endpoint.ip) ?? controllerPodFor(controller, node?.name ?? null)) : null;
    return { stages: [controllerStage(controller, model, pod, m.trust)], context: { controller, controllerModel: model } };
  }
  if (!endpoint) return { stages: [], context: {} };
  const pod = podOf(m, endpoint.ip);
  return { stages: [appStage(endpoint, pod)], context: { appPod: pod } };
}

function ingressTail(
  m: Model,
  controller: IngressControllerInfo,
  node: NodeInfo | null,
  backend: ServiceInfo | null,
  backendName: string,
  ingress: IngressInfo,
): { stages: Stage[]; context: Partial<PlanContext> } {
  const model = controllerModel(controller.kind);
  const stages: Stage[] = [controllerStage(controller, model, controllerPodFor(controller, node?.name ?? null), m.trust)];
  const context: Partial<PlanContext> = { controller, controllerModel: model, ingress, backend: backend ?? undefined };
  if (!backend) {
    stages.push(clusterIPStage(placeholderService(ingress.namespace, backendName), null, true));
    return { stages, context };
  }
  const port = backend.ports[0]?.port ?? null;
  stages.push(clusterIPStage(backend, port, true));
  const endpoint = representativeEndpoint(backend, null);
  if (endpoint) {
    const pod = podOf(m, endpoint.ip);
    stages.push(appStage(endpoint, pod));
    context.appPod = pod;
  }
  return { stages, context };
}

/** A backend named by an Ingress but missing from the cluster: a Service with no endpoints. */
function placeholderService(namespace: string, name: string): ServiceInfo {
  return {
    namespace,
    name,
    type: 'ClusterIP',
    clusterIP: null,
    clusterIPs: [],
    externalTrafficPolicy: null,
    internalTrafficPolicy: null,
    healthCheckNodePort: null,
    loadBalancerClass: null,
    loadBalancerIPs: [],
    loadBalancerIngress: [],
    announcingNode: null,
    announcingNodes: [],
    loadBalancerProvider: null,
    loadBalancerPool: null,
    ports: [],
    endpoints: [],
    selector: {},
    annotations: {},
    labels: {},
    externalIPs: [],
    allocateLoadBalancerNodePorts: true,
  };
}

// ───────────── plans per entry kind ─────────────

function plan(m: Model, prefix: Prefix, tail: { stages: Stage[]; context: Partial<PlanContext> }, overrides: Partial<PathPlan> = {}): PathPlan {
  const context: PlanContext = { nodeCIDRs: m.nodeCIDRs, ...prefix.context, ...tail.context };
  return {
    id: prefix.id,
    entry: prefix.entry,
    stages: [...prefix.stages, ...tail.stages],
    context,
    inClusterStages: prefix.inCluster ? [...prefix.inCluster.stages, ...tail.stages] : undefined,
    inClusterNote: prefix.inCluster?.note ?? null,
    spoofCheck: true,
    ...overrides,
  };
}

function servicePlans(m: Model): PathPlan[] {
  const out: PathPlan[] = [];
  for (const svc of [...m.inventory.services].sort(byRef)) {
    if (svc.type === 'ExternalName') continue;
    for (const port of [...svc.ports].sort((a, b) => a.port - b.port)) {
      if (svc.clusterIP) {
        const tail = serviceTail(m, svc, null);
        const app = tail.stages.find((s) => s.role === 'app');
        out.push(
          plan(m, clusterIPPrefix(svc, port), tail, {
            extraFindings: app
              ? [
                  finding('hairpin-snat', {
                    hopId: app.hop.id,
                    message: `Pods of ${svc.namespace}/${svc.name} that call this Service and land on themselves see their node's IP, not their own.`,
                    fix: null,
                  }),
                ]
              : [],
          }),
        );
      }
      if (svc.type === 'NodePort' || svc.type === 'LoadBalancer') {
        for (const prefix of nodePortPrefixes(m, svc, port)) out.push(plan(m, prefix, serviceTail(m, svc, prefix.node)));
      }
      if (svc.type === 'LoadBalancer') {
        for (const prefix of loadBalancerPrefixes(m, svc, port)) out.push(plan(m, prefix, serviceTail(m, svc, prefix.node)));
      }
    }
  }
  return out;
}

/** The controller Service port an Ingress host uses: 443 for TLS hosts, else 80 (or the ports named so). */
function controllerPort(svc: ServiceInfo, tls: boolean): ServicePortInfo | null {
  const want = tls ? 443 : 80;
  const name = tls ? 'https' : 'http';
  return svc.ports.find((p) => p.port === want) ?? svc.ports.find((p) => p.name === name) ?? svc.ports[0] ?? null;
}

function controllerPrefixes(m: Model, controller: IngressControllerInfo, tls: boolean): Prefix[] {
  const svc = controller.service
    ? m.inventory.services.find((s) => s.namespace === controller.namespace && s.name === controller.service)
    : undefined;
  if (svc) {
    const port = controllerPort(svc, tls);
    if (port) return outsidePrefixes(m, svc, port);
  }
  // Bare-metal controllers as hostNetwork / hostPort DaemonSets (seed 001).
  return controller.pods
    .map((ref) => m.inventory.pods.find((p) => p.namespace === ref.namespace && p.name === ref.name))
    .filter((p): p is PodInfo => p !== undefined && (p.hostNetwork || p.hostPorts.length > 0))
    .sort(byRef)
    .flatMap((pod) => hostPrefixes(m, pod).filter((p) => p.entry.port === (tls ? 443 : 80)));
}

function ingressPlans(m: Model): PathPlan[] {
  const out: PathPlan[] = [];
  for (const ingress of [...m.inventory.ingresses].sort(byRef)) {
    const hosts = ingress.hosts.length > 0 ? [...ingress.hosts].sort() : ['*'];
    for (const host of hosts) {
      const backends = [
        ...new Set(ingress.backends.filter((b) => host === '*' || b.host === host || b.host === null).map((b) => b.serviceName)),
      ].sort();
      const tls = ingress.tlsHosts.includes(host) || (ingress.tls && ingress.tlsHosts.length === 0);
      const entryBase = { kind: 'ingress' as const, namespace: ingress.namespace, name: ingress.name, host: host === '*' ? null : host, scheme: tls ? ('https' as const) : ('http' as const) };
      const controller = ingress.controller
        ? (m.inventory.ingressControllers.find((c) => c.id === ingress.controller!.id) ?? ingress.controller)
        : null;
      if (!controller) {
        out.push({
          id: `ingress:${ingress.namespace}/${ingress.name}:${host}`,
          entry: { ...entryBase, address: ingress.addresses[0] ?? null, port: tls ? 443 : 80 },
          stages: [clientStage(), missingControllerStage(ingress.className)],
          context: { nodeCIDRs: m.nodeCIDRs, ingress },
          spoofCheck: false,
          extraFindings: [
            finding('ingress-no-controller', {
              hopId: 'ingressController:none',
              message: `No ingress controller serves class "${ingress.className ?? '(none)'}" of ${ingress.namespace}/${ingress.name}.`,
              fix: `kubectl get ingressclass; kubectl patch ingress -n ${ingress.namespace} ${ingress.name} -p '{"spec":{"ingressClassName":"<a served class>"}}'`,
            }),
          ],
        });
        continue;
      }
      for (const backendName of backends) {
        const backend = m.inventory.services.find((s) => s.namespace === ingress.namespace && s.name === backendName) ?? null;
        for (const prefix of controllerPrefixes(m, controller, tls)) {
          const tail = ingressTail(m, controller, prefix.node, backend, backendName, ingress);
          out.push(
            plan(m, { ...prefix, id: `ingress:${ingress.namespace}/${ingress.name}:${host}:${backendName}@${prefix.id}`, entry: { ...entryBase, address: prefix.entry.address, port: prefix.entry.port } }, tail),
          );
        }
      }
    }
  }
  return out;
}

function hostPlans(m: Model): PathPlan[] {
  return [...m.inventory.pods]
    .filter((p) => (p.hostNetwork || p.hostPorts.length > 0) && !p.roles.includes('svclb'))
    .sort(byRef)
    .flatMap((pod) => {
      const controller = m.inventory.ingressControllers.find((c) => c.pods.some((r) => r.namespace === pod.namespace && r.name === pod.name));
      const tail = controller
        ? { stages: [controllerStage(controller, controllerModel(controller.kind), pod, m.trust)], context: { controller, controllerModel: controllerModel(controller.kind) } }
        : { stages: pod.ip ? [appStage({ ip: pod.ip, nodeName: pod.nodeName, ready: pod.ready, targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name } }, pod)] : [], context: { appPod: pod } };
      return hostPrefixes(m, pod).map((prefix) => plan(m, prefix, tail));
    });
}

function egressPlan(m: Model, pod: PodInfo | null): PathPlan {
  const node = pod?.nodeName ? (m.nodeByName.get(pod.nodeName) ?? null) : null;
  const cni = m.inventory.cni;
  const stages = [sourcePodStage(pod, node?.name ?? null), ...(pod?.egressProxy ? [egressProxyStage(pod)] : []), egressNodeStage(cni, node), externalStage()];
  const extra = [];
  if (cni.natOutgoing !== false) {
    extra.push(
      finding('egress-snat', {
        hopId: stages.at(-2)!.hop.id,
        message: `Traffic from ${pod ? `${pod.namespace}/${pod.name}` : 'pods'} leaves through ${node?.name ?? 'its node'} masqueraded to the node IP, so outside services see the node.`,
        fix: pod?.egressProxy ? null : 'Add a transparent egress proxy sidecar that writes X-Forwarded-For with the pod IP (HTTP only), or route pod CIDRs without NAT (Calico IPPool natOutgoing: false).',
        tradeOff: 'Routing pod addresses needs the outside network to know the pod CIDRs; a header can be set by any pod and must only be trusted from the cluster.',
        whatIf: [{ target: 'cni', setting: 'natOutgoing', value: false }],
      }),
    );
  }
  if (pod?.egressProxy) {
    extra.push(
      finding('egress-proxy-header', {
        hopId: stages[1]!.hop.id,
        message: `${pod.egressProxy.container} writes ${pod.egressProxy.injectsHeaders.join(', ') || 'headers'} into outgoing HTTP requests; receivers can identify the pod only if they trust the cluster's egress addresses for that header.`,
        fix: null,
      }),
    );
  }
  return {
    id: pod ? `egress:${pod.namespace}/${pod.name}` : 'egress:cluster',
    entry: { kind: 'egress', namespace: pod?.namespace ?? null, name: pod?.name ?? 'pods', host: null, address: pod?.ip ?? null, port: null },
    stages,
    context: { nodeCIDRs: m.nodeCIDRs, appPod: pod, node: node ?? undefined },
    spoofCheck: false,
    extraFindings: extra,
  };
}

function egressPlans(m: Model): PathPlan[] {
  const withProxy = m.inventory.pods.filter((p) => p.egressProxy !== null).sort(byRef);
  return [egressPlan(m, null), ...withProxy.map((p) => egressPlan(m, p))];
}

// ───────────── evaluation ─────────────

function evaluate(p: PathPlan): ModelPath {
  const honest = runStages(p.stages, clientRequest('honest'));
  const forged = p.spoofCheck ? forgedRun(p.stages) : null;
  const verdict = pathVerdict(honest, forged);
  const hops = p.stages.map((stage, i) => toHop(stage, honest.arrivals[i] ?? null, forged?.arrivals[i] ?? null, honest.results[i] ?? null));
  const last = honest.failure ? null : (honest.arrivals.at(-1) ?? null);
  const inClusterVerdict = p.inClusterStages
    ? pathVerdict(runStages(p.inClusterStages, clientRequest('honest')), forgedRun(p.inClusterStages))
    : null;
  return {
    id: p.id,
    entry: p.entry,
    hops,
    verdict,
    findings: diagnose(p, honest, forged, verdict),
    appClient: last
      ? { via: last.via, role: last.believed.role, value: hops.at(-1)?.believedClient ?? null }
      : { via: 'none', role: 'none', value: null },
    inClusterNote: p.inClusterNote ?? null,
    expectedOutcome: honest.failure?.failure.outcome ?? 'ok',
    inClusterVerdict: inClusterVerdict !== verdict ? inClusterVerdict : null,
  };
}

/** Every way into the cluster, with each setting in `whatIf` flipped first (whatif.ts). Sorted by path id. */
export function buildPaths(inventory: ClusterInventory, whatIf: readonly WhatIf[] = []): ModelPath[] {
  const m = modelOf(applyWhatIf(inventory, whatIf));
  const plans = [...servicePlans(m), ...ingressPlans(m), ...hostPlans(m), ...egressPlans(m)];
  return plans.map(evaluate).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
