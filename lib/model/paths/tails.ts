// Tails: from the node a way in ends at to the pod that answers — the Service's controller or app pod, or for
// an Ingress its controller, the backend Service and the backend's pod.
import type { EndpointInfo, HostPortInfo, IngressControllerInfo, IngressInfo, IngressRouteInfo, NodeInfo, PodInfo, ServiceInfo, ServicePortInfo, TraefikAllowList } from '@/lib/types';
import { controllerModel } from '../controllers';
import { controllerBehind, controllerPodFor, representativeEndpoint } from '../kubeproxy';
import type { PlanContext, Stage } from '../plan';
import { appStage, clusterIPStage, controllerStage } from '../stages';
import { type EntryPointChoice, entryPointOfHostPort, entryPointOfServicePort } from '../traefik-entrypoints';
import type { Model } from './model';

export interface Tail {
  stages: Stage[];
  context: Partial<PlanContext>;
}

function podOf(m: Model, ip: string): PodInfo | null {
  return m.podByIp.get(ip) ?? null;
}

/** The controller as the listener a way in reaches sees requests: a Traefik entry point's own settings (docs/domain.md#s6.2.2). */
export function listenerOf(controller: IngressControllerInfo, entered: { svc?: ServiceInfo; servicePort?: ServicePortInfo | null; hostPort?: HostPortInfo | null }): EntryPointChoice {
  if (entered.svc && entered.servicePort) return entryPointOfServicePort(controller, entered.svc, entered.servicePort);
  if (entered.hostPort) return entryPointOfHostPort(controller, entered.hostPort);
  return { controller, entryPoint: controller.settings.entryPoint ?? null, assumption: null };
}

const listenerContext = (choice: EntryPointChoice): Partial<PlanContext> => ({
  controller: choice.controller,
  controllerModel: controllerModel(choice.controller.kind),
  ...(choice.assumption ? { entryPointAssumption: choice.assumption } : {}),
});

/** After the Service's own way in: its controller (for a controller's Service) or the app pod. */
export function serviceTail(m: Model, svc: ServiceInfo, node: NodeInfo | null, servicePort: ServicePortInfo): Tail {
  const found = controllerBehind(m.inventory, svc);
  const endpoint = representativeEndpoint(svc, node?.name ?? null);
  if (found) {
    const choice = listenerOf(found, { svc, servicePort });
    const controller = choice.controller;
    const model = controllerModel(controller.kind);
    const pod = endpoint ? (controller.pods.find((p) => p.ip === endpoint.ip) ?? controllerPodFor(controller, node?.name ?? null)) : null;
    return { stages: [controllerStage(controller, model, pod, m.trust)], context: listenerContext(choice) };
  }
  if (!endpoint) return { stages: [], context: {} };
  const pod = podOf(m, endpoint.ip);
  return { stages: [appStage(endpoint, pod)], context: { appPod: pod } };
}

/** A host-port pod's own tail: the controller it runs, else the pod itself as the app. */
export function hostTail(m: Model, pod: PodInfo, hostPort: HostPortInfo | null): Tail {
  const found = m.inventory.ingressControllers.find((c) => c.pods.some((r) => r.namespace === pod.namespace && r.name === pod.name));
  if (found) {
    const choice = listenerOf(found, { hostPort });
    const model = controllerModel(found.kind);
    return { stages: [controllerStage(choice.controller, model, pod, m.trust)], context: listenerContext(choice) };
  }
  if (!pod.ip) return { stages: [], context: { appPod: pod } };
  const endpoint: EndpointInfo = { ip: pod.ip, nodeName: pod.nodeName, ready: pod.ready, targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name } };
  return { stages: [appStage(endpoint, pod)], context: { appPod: pod } };
}

/** What an Ingress-like object routes to: the Ingress or IngressRoute, and the backend it names. */
export interface RoutedBackend {
  namespace: string;
  name: string;
  /** The backend's port as the object names it (number or name); null: its first port. */
  port: number | string | null;
  ingress?: IngressInfo;
  ingressRoute?: IngressRouteInfo;
  /** Traefik ipAllowList middlewares of the router. */
  allowLists?: TraefikAllowList[];
}

/** Through the controller's listener (`choice`) to the backend Service and its pod. */
export function ingressTail(m: Model, choice: EntryPointChoice, node: NodeInfo | null, routed: RoutedBackend): Tail {
  const controller = choice.controller;
  const model = controllerModel(controller.kind);
  const backend = m.inventory.services.find((s) => s.namespace === routed.namespace && s.name === routed.name) ?? null;
  const stages: Stage[] = [controllerStage(controller, model, controllerPodFor(controller, node?.name ?? null), m.trust)];
  const context: Partial<PlanContext> = {
    ...listenerContext(choice),
    ...(routed.ingress ? { ingress: routed.ingress } : {}),
    ...(routed.ingressRoute ? { ingressRoute: routed.ingressRoute } : {}),
    ...(routed.allowLists && routed.allowLists.length > 0 ? { allowLists: routed.allowLists } : {}),
    backend: backend ?? undefined,
  };
  if (!backend) {
    stages.push(clusterIPStage(placeholderService(routed.namespace, routed.name), null, true));
    return { stages, context };
  }
  const named = backend.ports.find((p) => p.port === routed.port || p.name === routed.port);
  const port = (named ?? backend.ports[0])?.port ?? null;
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
