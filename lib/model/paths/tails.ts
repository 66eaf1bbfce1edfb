// Tails: from the node a way in ends at to the pod that answers — the Service's controller or app pod, or for
// an Ingress its controller, the backend Service and the backend's pod.
import type { EndpointInfo, IngressControllerInfo, IngressInfo, NodeInfo, PodInfo, ServiceInfo } from '@/lib/types';
import { controllerModel } from '../controllers';
import { controllerBehind, controllerPodFor, representativeEndpoint } from '../kubeproxy';
import type { PlanContext, Stage } from '../plan';
import { appStage, clusterIPStage, controllerStage } from '../stages';
import type { Model } from './model';

export interface Tail {
  stages: Stage[];
  context: Partial<PlanContext>;
}

function podOf(m: Model, ip: string): PodInfo | null {
  return m.podByIp.get(ip) ?? null;
}

/** After the Service's own way in: its controller (for a controller's Service) or the app pod. */
export function serviceTail(m: Model, svc: ServiceInfo, node: NodeInfo | null): Tail {
  const controller = controllerBehind(m.inventory, svc);
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

/** A host-port pod's own tail: the controller it runs, else the pod itself as the app. */
export function hostTail(m: Model, pod: PodInfo): Tail {
  const controller = m.inventory.ingressControllers.find((c) => c.pods.some((r) => r.namespace === pod.namespace && r.name === pod.name));
  if (controller) {
    const model = controllerModel(controller.kind);
    return { stages: [controllerStage(controller, model, pod, m.trust)], context: { controller, controllerModel: model } };
  }
  if (!pod.ip) return { stages: [], context: { appPod: pod } };
  const endpoint: EndpointInfo = { ip: pod.ip, nodeName: pod.nodeName, ready: pod.ready, targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name } };
  return { stages: [appStage(endpoint, pod)], context: { appPod: pod } };
}

export function ingressTail(
  m: Model,
  controller: IngressControllerInfo,
  node: NodeInfo | null,
  backend: ServiceInfo | null,
  backendName: string,
  ingress: IngressInfo,
): Tail {
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
