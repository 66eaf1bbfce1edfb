// An Ingress served by a cloud L7 load balancer (docs/domain.md#s6.4): client → the LB, which terminates HTTP and
// appends the client to X-Forwarded-For → pod IPs (ip targets, NEGs, Application Gateway) or every node's NodePort
// (ALB instance targets, GKE instance groups) → the backend pod. No ingress controller pod is on the path.
import type { IngressControllerInfo, IngressInfo, NodeInfo, PathEntry, ServiceInfo } from '@/lib/types';
import { controllerModel } from '../controllers';
import { type CloudTargets, cloudL7Label, cloudL7Receive, cloudTargets, isCloudL7 } from '../controllers/cloud-l7';
import { hasReadyEndpointOn, readyEndpoints, representativeEndpoint } from '../kubeproxy';
import type { PathPlan, PlanContext, Stage } from '../plan';
import { nodeProxyOf } from '../cilium';
import { appStage, clientStage, inClusterClientStage, leaveNodeStage, nodePortStage } from '../stages';
import type { Model } from './model';
import { nodeGroups } from './ways-in';

type Delivery = { ok: true } | { ok: false; kind: 'no-endpoints' | 'cloud-target-needs-nodeport'; message: string };

function cloudL7Stage(controller: IngressControllerInfo, ingress: IngressInfo, targets: CloudTargets, entryAddress: string | null, delivery: Delivery): Stage {
  const kind = isCloudL7(controller.kind) ? controller.kind : 'aws-alb';
  const label = cloudL7Label(kind);
  return {
    role: 'loadBalancer',
    hop: {
      id: `loadBalancer:${controller.kind}:${ingress.namespace}/${ingress.name}`,
      kind: 'loadBalancer',
      name: `${label}${entryAddress ? ` ${entryAddress}` : ''}`,
      address: entryAddress,
      port: null,
      objects: [{ kind: 'Ingress', namespace: ingress.namespace, name: ingress.name }],
      details: {
        provider: label,
        mode: 'proxy (HTTP terminated at the load balancer)',
        targets: targets.targets === 'pods' ? 'pod IPs' : 'node IP:NodePort',
        'target type from': targets.why,
        'source seen by the backend': 'the load balancer (its addresses are not discoverable)',
      },
    },
    pass(flow) {
      if (!delivery.ok) {
        return {
          believed: flow.peer,
          via: 'source',
          next: null,
          failure: { kind: delivery.kind, verdict: 'unreachable', outcome: delivery.kind === 'no-endpoints' ? 'http-error' : 'timeout', message: delivery.message },
        };
      }
      const result = cloudL7Receive(kind, flow, ingress);
      if (!result.ok) return { believed: flow.peer, via: 'source', next: null };
      return { believed: result.believed, via: result.via, next: result.upstream, details: result.details };
    },
  };
}

function backendPort(backend: ServiceInfo, ingress: IngressInfo, name: string) {
  const wanted = ingress.backends.find((b) => b.serviceName === name)?.servicePort ?? null;
  return backend.ports.find((p) => p.port === wanted || p.name === wanted) ?? backend.ports[0] ?? null;
}

/** The paths of one Ingress host through a cloud L7 LB, one per backend (and per node group for node targets). */
export function cloudIngressPlans(m: Model, ingress: IngressInfo, controller: IngressControllerInfo, entry: PathEntry, backendNames: string[]): PathPlan[] {
  const model = controllerModel(controller.kind);
  return backendNames.flatMap((name): PathPlan[] => {
    const backend = m.inventory.services.find((s) => s.namespace === ingress.namespace && s.name === name) ?? null;
    const targets = cloudTargets(controller, ingress, backend);
    const port = backend ? backendPort(backend, ingress, name) : null;
    const base = `ingress:${ingress.namespace}/${ingress.name}:${entry.host ?? '*'}:${name}@${controller.kind}`;
    const context: PlanContext = {
      nodeCIDRs: m.nodeCIDRs,
      trust: m.trust,
      ingress,
      controller,
      controllerModel: model,
      backend: backend ?? undefined,
      ...(backend ? { service: backend } : {}),
      cloudTargets: targets,
    };
    const delivery: Delivery = !backend || readyEndpoints(backend).length === 0
      ? { ok: false, kind: 'no-endpoints', message: `${ingress.namespace}/${name} has no ready endpoint: the load balancer answers 502/503` }
      : targets.targets === 'nodes' && (backend.type === 'ClusterIP' || port?.nodePort == null)
        ? { ok: false, kind: 'cloud-target-needs-nodeport', message: `node targets need a NodePort, and ${ingress.namespace}/${name} is ${backend.type}: the controller creates no target` }
        : { ok: true };
    const lb = cloudL7Stage(controller, ingress, targets, entry.address, delivery);
    const inCluster = (outside: Stage[]) => (from: Parameters<NonNullable<PathPlan['inCluster']>>[0]) => ({
      stages: [inClusterClientStage(from), leaveNodeStage(m.inventory.cni, from), ...outside.slice(1)],
      note: `the Ingress address is the cloud load balancer's, outside the cluster: a pod's request really goes there and comes back`,
      shortCircuit: false,
    });
    const plan = (id: string, stages: Stage[], node: NodeInfo | null): PathPlan => {
      const endpoint = backend ? representativeEndpoint(backend, node?.name ?? null) : null;
      const pod = endpoint ? (m.podByIp.get(endpoint.ip) ?? null) : null;
      const all = delivery.ok && endpoint ? [...stages, appStage(endpoint, pod)] : stages;
      return { id, entry, stages: all, context: { ...context, appPod: pod, ...(node ? { node, policy: backend?.externalTrafficPolicy ?? 'Cluster' } : {}) }, inCluster: inCluster(all), spoofCheck: true };
    };
    if (!delivery.ok || targets.targets === 'pods' || !backend || !port?.nodePort) return [plan(base, [clientStage(), lb], null)];
    // Local: nodes without a local endpoint drop the NodePort traffic and fail the LB's target health check, so only
    // nodes with one receive (docs/domain.md#s2.5, #s6.4).
    const local = backend.externalTrafficPolicy === 'Local';
    const withEndpoint = m.lbEligibleNodes.filter((n) => hasReadyEndpointOn(backend, n.name));
    const nodes = local && withEndpoint.length > 0 ? withEndpoint : m.lbEligibleNodes;
    return nodeGroups(backend, nodes).map(({ node, alike }) =>
      plan(`${base}@${node.name}`, [clientStage(), lb, nodePortStage(backend, node, port.nodePort, nodeProxyOf(m.inventory), m.inventory.cni, alike, port.protocol)], node),
    );
  });
}
