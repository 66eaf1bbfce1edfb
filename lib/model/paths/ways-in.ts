// Ways in: how a request gets from the client to the node (or load balancer) that hands it to a Service's
// endpoints — per LB address and receiving node, per NodePort node, the ClusterIP, host ports, and an Ingress
// controller's own way in.
import type { HostPortInfo, IngressControllerInfo, LoadBalancerPool, NodeInfo, PathEntry, PodInfo, ServiceInfo, ServicePortInfo } from '@/lib/types';
import { nodeProxyOf } from '../cilium';
import { hasReadyEndpointOn } from '../kubeproxy';
import { resolveProvider, servicelbBehaviour, servicelbNodes } from '../loadbalancers';
import type { PlanContext, Stage } from '../plan';
import {
  ALIKE_SAMPLE,
  type AlikeNodes,
  clientStage,
  clusterIPStage,
  hostStage,
  loadBalancerStage,
  nodePortStage,
} from '../stages';
import { type InClusterPrefix, clusterIPWay, hostWay, loadBalancerWay, nodePortWay } from './in-cluster';
import { servicePortForEntryPoint } from '../traefik-entrypoints';
import { type Model, byRef } from './model';

/** The way into a Service up to the node (or LB) that hands the request to its endpoints. */
export interface Prefix {
  id: string;
  entry: PathEntry;
  stages: Stage[];
  context: Partial<PlanContext>;
  node: NodeInfo | null;
  /** The same way in as a pod of the cluster takes it (in-cluster.ts). */
  inCluster: InClusterPrefix;
  /** The Service port it enters by (a controller's listener follows from it), or the host port; null for neither. */
  servicePort: ServicePortInfo | null;
  hostPort: HostPortInfo | null;
}

export const schemeOf = (port: ServicePortInfo): NonNullable<PathEntry['scheme']> =>
  port.port === 443 || /https/.test(port.name) ? 'https' : port.port === 80 || /http/.test(port.name) ? 'http' : 'tcp';

/** Up to this many nodes each node gets its own path; above it, one path per group of nodes that behave alike. */
export const PER_NODE_PATH_LIMIT = 8;

interface NodeGroup {
  node: NodeInfo;
  /** Other nodes with the same outcome (same policy, same local-endpoint answer: docs/lab.md#row-6–#row-9). */
  alike: AlikeNodes;
}

export function nodeGroups(svc: ServiceInfo, nodes: NodeInfo[]): NodeGroup[] {
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

/** The MetalLB pool the Service's address was allocated from, when discovery knows it. */
function metallbPoolOf(m: Model, svc: ServiceInfo): LoadBalancerPool | undefined {
  return m.inventory.loadBalancers.flatMap((p) => (p.provider === 'metallb' ? p.pools : [])).find((p) => p.name === svc.loadBalancerPool);
}

/** The nodes an LB address reaches, per provider (docs/domain.md#s4, #s5, #s7), and those a Local health check leaves out. */
function receivingNodes(m: Model, svc: ServiceInfo, providerId: string): { nodes: NodeInfo[]; skipped: string[] } {
  const eligible = m.lbEligibleNodes;
  const named = (names: string[]) => names.map((n) => m.nodeByName.get(n)).filter((n): n is NodeInfo => n !== undefined);
  // MetalLB allocates from a pool no L2/BGP advertisement covers: nobody answers for the address (docs/domain.md#s4).
  const pool = metallbPoolOf(m, svc);
  if (providerId === 'metallb' && pool?.mode === 'none' && !svc.announcingNode) return { nodes: [], skipped: [] };
  // MetalLB L2: exactly one speaker announces the VIP, and all traffic enters through that node; Cilium L2: the
  // holder of the Service's cilium-l2announce Lease answers ARP for it (docs/domain.md#s2.10.3).
  if ((providerId === 'metallb' || providerId === 'cilium') && svc.announcingNode) return { nodes: named([svc.announcingNode]), skipped: [] };
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

/** Cilium's settings for the findings of a path through a node it runs on (docs/domain.md#s2.10). */
export const ciliumContext = (m: Model, port: ServicePortInfo): Partial<PlanContext> =>
  m.inventory.cilium ? { cilium: { info: m.inventory.cilium, protocol: port.protocol } } : {};

function lbAddresses(svc: ServiceInfo): string[] {
  const fromIngress = svc.loadBalancerIngress.map((i) => i.ip ?? i.hostname).filter((a): a is string => Boolean(a));
  return [...new Set(fromIngress.length > 0 ? fromIngress : svc.loadBalancerIPs)].sort();
}

export function loadBalancerPrefixes(m: Model, svc: ServiceInfo, port: ServicePortInfo): Prefix[] {
  const provider = resolveProvider(svc, m.inventory);
  const { nodes: receiving, skipped } = receivingNodes(m, svc, provider.id);
  const kubeProxyMode = m.inventory.kubeProxy.mode;
  const proxy = nodeProxyOf(m.inventory);
  // MetalLB layer 2 needs kube-proxy's IPVS mode to answer ARP only for its own addresses (docs/domain.md#s2.4, #s4).
  const pool = metallbPoolOf(m, svc);
  const layer2 = provider.id === 'metallb' && (svc.announcingNode !== null || pool?.mode === 'layer2');
  const arpEverywhere = layer2 && kubeProxyMode === 'ipvs' && m.inventory.kubeProxy.strictARP !== true;
  return lbAddresses(svc).flatMap((lbAddress): Prefix[] => {
    const servicelb = provider.id === 'servicelb';
    const behaviour = servicelb ? servicelbBehaviour(m.inventory, lbAddress) : provider.behaviour(svc, port.port, { kubernetesMinor: m.kubernetesMinor });
    // Each ServiceLB address is one node's own IP: it enters there and nowhere else (docs/domain.md#s5).
    const owners = servicelb ? servicelbNodes(receiving, lbAddress) : [];
    const nodes = owners.length > 0 ? owners : receiving;
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
    const context: Partial<PlanContext> = {
      service: svc,
      provider,
      behaviour,
      lbAddress,
      policy: svc.externalTrafficPolicy ?? 'Cluster',
      skippedNodes: skipped,
      ...(arpEverywhere ? { ipvsWithoutStrictARP: m.inventory.kubeProxy } : {}),
      ...ciliumContext(m, port),
    };
    const lb = (node: NodeInfo | null) =>
      loadBalancerStage({
        service: svc,
        provider,
        behaviour,
        lbAddress,
        port: port.port,
        announcingNode: (provider.id === 'metallb' || provider.id === 'cilium') && svc.announcingNode ? node : null,
        svclbPod: behaviour.mode === 'svclb' ? svclbPodOn(m, svc, node) : null,
        announced: behaviour.targets === 'pods' || nodes.length > 0,
      });
    if (behaviour.targets === 'pods' || nodes.length === 0) {
      const stages = [clientStage(), lb(null)];
      return [{ id: base, entry, stages, context, node: null, inCluster: loadBalancerWay(m, svc, lbAddress, behaviour, stages), servicePort: port, hostPort: null }];
    }
    return nodeGroups(svc, nodes).map(({ node, alike }) => {
      // svclb forwards from its own pod, so the node's NodePort rules do not see the client (docs/domain.md#s5).
      const stages =
        behaviour.mode === 'svclb'
          ? [clientStage(), lb(node)]
          : [clientStage(), lb(node), nodePortStage(svc, node, port.nodePort, proxy, m.inventory.cni, alike, port.protocol)];
      return { id: `${base}@${node.name}`, entry, stages, context: { ...context, node }, node, inCluster: loadBalancerWay(m, svc, lbAddress, behaviour, stages), servicePort: port, hostPort: null };
    });
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

export function nodePortPrefixes(m: Model, svc: ServiceInfo, port: ServicePortInfo): Prefix[] {
  if (port.nodePort === null) return [];
  const nodePort = port.nodePort;
  return nodeGroups(svc, m.readyNodes).map(({ node, alike }) => ({
    id: `nodePort:${svc.namespace}/${svc.name}:${nodePort}@${node.name}`,
    entry: { kind: 'nodePort', namespace: svc.namespace, name: svc.name, host: null, address: node.internalIP, port: nodePort, scheme: schemeOf(port) },
    stages: [clientStage(), nodePortStage(svc, node, nodePort, nodeProxyOf(m.inventory), m.inventory.cni, alike, port.protocol)],
    context: { service: svc, node, policy: svc.externalTrafficPolicy ?? 'Cluster', ...ciliumContext(m, port) },
    node,
    inCluster: nodePortWay(m, svc, node, nodePort),
    servicePort: port,
    hostPort: null,
  }));
}

export function clusterIPPrefix(svc: ServiceInfo, port: ServicePortInfo, nodes: NodeInfo[] = []): Prefix {
  const withoutLocal = svc.internalTrafficPolicy === 'Local' ? nodes.filter((n) => !hasReadyEndpointOn(svc, n.name)).map((n) => n.name) : [];
  return {
    id: `clusterIP:${svc.namespace}/${svc.name}:${port.port}`,
    entry: { kind: 'clusterIP', namespace: svc.namespace, name: svc.name, host: null, address: svc.clusterIP, port: port.port, scheme: schemeOf(port) },
    stages: [clientStage('a pod in the cluster'), clusterIPStage(svc, port.port, false)],
    context: { service: svc, ...(svc.internalTrafficPolicy === 'Local' ? { nodesWithoutLocalEndpoint: withoutLocal } : {}) },
    node: null,
    inCluster: clusterIPWay(svc, port.port),
    servicePort: port,
    hostPort: null,
  };
}

/** The ways into a Service from outside (LB, else NodePort) — what an Ingress reaches its controller through. */
function outsidePrefixes(m: Model, svc: ServiceInfo, port: ServicePortInfo): Prefix[] {
  if (svc.type === 'LoadBalancer' && lbAddresses(svc).length > 0) return loadBalancerPrefixes(m, svc, port);
  if (svc.type === 'NodePort' || svc.type === 'LoadBalancer') return nodePortPrefixes(m, svc, port);
  return svc.clusterIP ? [clusterIPPrefix(svc, port)] : [];
}

export function hostPrefixes(m: Model, pod: PodInfo): Prefix[] {
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
      inCluster: hostWay(m, pod, node, hp.hostPort),
      servicePort: null,
      hostPort: hp,
    }));
}

/** The controller Service port an Ingress host uses: 443 for TLS hosts, else 80 (or the ports named so). */
function controllerPort(svc: ServiceInfo, tls: boolean): ServicePortInfo | null {
  const want = tls ? 443 : 80;
  const name = tls ? 'https' : 'http';
  return svc.ports.find((p) => p.port === want) ?? svc.ports.find((p) => p.name === name) ?? svc.ports[0] ?? null;
}

/** Which of the controller's listeners a way in is for: the port an Ingress host's scheme picks, or an entry point by name. */
export type ControllerListener = { tls: boolean } | { entryPoint: string; tls: boolean };

export function controllerService(m: Model, controller: IngressControllerInfo): ServiceInfo | undefined {
  return controller.service
    ? m.inventory.services.find((s) => s.namespace === controller.namespace && s.name === controller.service)
    : undefined;
}

/**
 * The ways into an ingress controller: through its Service from outside (LB, NodePort), and its pods' host network /
 * host ports on each node's address — also when only a ClusterIP Service stands in front, which no outside client can
 * reach (ingress-nginx bare-metal "Via the host network", docs/domain.md#s6.5; docs/sources.md#seed-001).
 */
export function controllerPrefixes(m: Model, controller: IngressControllerInfo, listener: ControllerListener): Prefix[] {
  const svc = controllerService(m, controller);
  const named = 'entryPoint' in listener ? listener.entryPoint : null;
  // An entry point by name reaches the Service port whose container port it listens on (docs/domain.md#s6.2.2).
  const port = svc ? ((named ? servicePortForEntryPoint(controller, svc, named) : null) ?? controllerPort(svc, listener.tls)) : null;
  const viaService = svc && port && (svc.type === 'LoadBalancer' || svc.type === 'NodePort') ? outsidePrefixes(m, svc, port) : [];
  const point = named ? controller.settings.entryPoints?.find((p) => p.name.toLowerCase() === named.toLowerCase()) : undefined;
  const wanted = (p: Prefix) => (point?.port != null ? p.hostPort?.containerPort === point.port : p.entry.port === (listener.tls ? 443 : 80));
  const viaHost = controller.pods
    .map((ref) => m.inventory.pods.find((p) => p.namespace === ref.namespace && p.name === ref.name))
    .filter((p): p is PodInfo => p !== undefined && (p.hostNetwork || p.hostPorts.length > 0))
    .sort(byRef)
    .flatMap((pod) => hostPrefixes(m, pod).filter(wanted));
  if (viaService.length > 0 || viaHost.length > 0) return [...viaService, ...viaHost];
  // Only a ClusterIP Service: the way in from inside the cluster.
  return svc && port ? outsidePrefixes(m, svc, port) : [];
}
