// Plans: each entry kind's ways in joined to their tails — Services (ClusterIP, NodePort, LB), Ingress hosts,
// host ports and egress — as the stage chains evaluate.ts runs.
import type { IngressInfo, PodInfo } from '@/lib/types';
import type { PathPlan, PlanContext, Stage } from '../plan';
import { clientStage, egressNodeStage, egressProxyStage, externalStage, inClusterClientStage, missingControllerStage, sourcePodStage } from '../stages';
import { type Model, byRef } from './model';
import { ingressAllowLists } from './traefik-middlewares';
import { type Prefix, clusterIPPrefix, controllerPrefixes, controllerService, hostPrefixes, loadBalancerPrefixes, nodePortPrefixes } from './ways-in';
import { type Tail, hostTail, ingressTail, listenerOf, serviceTail } from './tails';
import { externalIPPrefixes } from './external-ips';
import { cloudIngressPlans } from './cloud-ingress';
import { isCloudL7 } from '../controllers/cloud-l7';

/** The pods a path delivers to (controller, app), for the NetworkPolicies that may select them; none without policies. */
function policyContext(m: Model, stages: Stage[]): Partial<PlanContext> {
  if (m.policiesByNamespace.size === 0) return {};
  const podsAtStages = stages.flatMap((s, index) => {
    const pod = (s.role === 'app' || s.role === 'controller') && s.hop.address ? m.podByIp.get(s.hop.address) : undefined;
    return pod && m.policiesByNamespace.has(pod.namespace) ? [{ index, pod }] : [];
  });
  if (podsAtStages.length === 0) return {};
  const networkPolicies = [...new Set(podsAtStages.map((p) => p.pod.namespace))].flatMap((ns) => m.policiesByNamespace.get(ns) ?? []);
  return { networkPolicies, podsAtStages };
}

export function plan(m: Model, prefix: Prefix, tail: Tail): PathPlan {
  const stages = [...prefix.stages, ...tail.stages];
  const context: PlanContext = { nodeCIDRs: m.nodeCIDRs, trust: m.trust, ...prefix.context, ...tail.context, ...policyContext(m, stages) };
  return {
    id: prefix.id,
    entry: prefix.entry,
    stages,
    context,
    inCluster: (from) => {
      const way = prefix.inCluster(from);
      return { ...way, stages: [...way.stages, ...tail.stages] };
    },
    spoofCheck: true,
  };
}

export function servicePlans(m: Model): PathPlan[] {
  const out: PathPlan[] = [];
  for (const svc of [...m.inventory.services].sort(byRef)) {
    if (svc.type === 'ExternalName') continue;
    for (const port of [...svc.ports].sort((a, b) => a.port - b.port)) {
      if (svc.clusterIP) out.push(plan(m, clusterIPPrefix(svc, port, m.nodes), serviceTail(m, svc, null, port)));
      if (svc.type === 'NodePort' || svc.type === 'LoadBalancer') {
        for (const prefix of nodePortPrefixes(m, svc, port)) out.push(plan(m, prefix, serviceTail(m, svc, prefix.node, port)));
      }
      if (svc.type === 'LoadBalancer') {
        for (const prefix of loadBalancerPrefixes(m, svc, port)) out.push(plan(m, prefix, serviceTail(m, svc, prefix.node, port)));
      }
      for (const prefix of externalIPPrefixes(m, svc, port)) out.push(plan(m, prefix, serviceTail(m, svc, prefix.node, port)));
    }
  }
  return out;
}

/**
 * The address clients use for an Ingress reached on a node (host network / host port): the node address the Ingress
 * status publishes (ingress-nginx reports its nodes' ExternalIPs unless told the internal ones), else the prefix's own.
 */
function entryAddress(ingress: IngressInfo, prefix: Prefix): string | null {
  const node = prefix.node;
  if (node && (prefix.entry.kind === 'hostNetwork' || prefix.entry.kind === 'hostPort')) {
    const published = [node.externalIP, node.internalIP].find((a) => a !== null && ingress.addresses.includes(a));
    if (published) return published;
  }
  return prefix.entry.address;
}

export function ingressPlans(m: Model): PathPlan[] {
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
          inCluster: (from) => ({ stages: [inClusterClientStage(from), missingControllerStage(ingress.className)], note: null, shortCircuit: false }),
          spoofCheck: false,
        });
        continue;
      }
      if (isCloudL7(controller.kind)) {
        out.push(...cloudIngressPlans(m, ingress, controller, { ...entryBase, address: ingress.addresses[0] ?? null, port: tls ? 443 : 80 }, backends));
        continue;
      }
      const allowLists = ingressAllowLists(m.inventory, ingress);
      for (const backendName of backends) {
        const port = ingress.backends.find((b) => b.serviceName === backendName && (host === '*' || b.host === host || b.host === null))?.servicePort ?? null;
        for (const prefix of controllerPrefixes(m, controller, { tls })) {
          const tail = ingressTail(m, listenerOf(controller, { svc: controllerService(m, controller), ...prefix }), prefix.node, { namespace: ingress.namespace, name: backendName, port, ingress, allowLists });
          out.push(
            plan(m, { ...prefix, id: `ingress:${ingress.namespace}/${ingress.name}:${host}:${backendName}@${prefix.id}`, entry: { ...entryBase, address: entryAddress(ingress, prefix), port: prefix.entry.port } }, tail),
          );
        }
      }
    }
  }
  return out;
}

export function hostPlans(m: Model): PathPlan[] {
  return [...m.inventory.pods]
    .filter((p) => (p.hostNetwork || p.hostPorts.length > 0) && !p.roles.includes('svclb'))
    .sort(byRef)
    .flatMap((pod) => {
      return hostPrefixes(m, pod).map((prefix) => plan(m, prefix, hostTail(m, pod, prefix.hostPort)));
    });
}

function egressPlan(m: Model, pod: PodInfo | null): PathPlan {
  const node = pod?.nodeName ? (m.nodeByName.get(pod.nodeName) ?? null) : null;
  const cni = m.inventory.cni;
  const stages = [sourcePodStage(pod, node?.name ?? null), ...(pod?.egressProxy ? [egressProxyStage(pod)] : []), egressNodeStage(cni, node), externalStage()];
  return {
    id: pod ? `egress:${pod.namespace}/${pod.name}` : 'egress:cluster',
    entry: { kind: 'egress', namespace: pod?.namespace ?? null, name: pod?.name ?? 'pods', host: null, address: pod?.ip ?? null, port: null },
    stages,
    context: { nodeCIDRs: m.nodeCIDRs, appPod: pod, node: node ?? undefined, cni },
    spoofCheck: false,
  };
}

export function egressPlans(m: Model): PathPlan[] {
  const withProxy = m.inventory.pods.filter((p) => p.egressProxy !== null).sort(byRef);
  return [egressPlan(m, null), ...withProxy.map((p) => egressPlan(m, p))];
}
