// Plain-data builders for inventories in tests. The default topology is the real-packet lab (docs/lab.md#topology): client
// 203.0.113.10, load balancer VIP 198.51.100.50 (inside address 192.0.2.1), node1 192.0.2.11, node2 192.0.2.12,
// echo pod 10.244.1.10 on node1, ingress pod 10.244.1.20 on node1, client pod 10.244.2.10 on node2.
import { clusterInventory, nodeInfo, podInfo, serviceInfo } from '@/test/support/inventory';
import type {
  ClusterInventory,
  EndpointInfo,
  IngressControllerInfo,
  IngressControllerSettings,
  IngressInfo,
  LoadBalancerProviderKind,
  NodeInfo,
  PodInfo,
  ServiceInfo,
  ServicePortInfo,
  TrafficPolicy,
} from '@/lib/types';

export const LAB = {
  client: '203.0.113.10',
  vip: '198.51.100.50',
  lbInside: '192.0.2.1',
  node1: '192.0.2.11',
  node2: '192.0.2.12',
  echoPod: '10.244.1.10',
  ingressPod: '10.244.1.20',
  clientPod: '10.244.2.10',
} as const;

export function node(name: string, internalIP: string, overrides: Partial<NodeInfo> = {}): NodeInfo {
  return nodeInfo({ name, internalIP, ...overrides });
}

export const labNodes = (): NodeInfo[] => [
  node('node1', LAB.node1, { podCIDRs: ['10.244.1.0/24'] }),
  node('node2', LAB.node2, { podCIDRs: ['10.244.2.0/24'] }),
];

export function pod(namespace: string, name: string, ip: string, nodeName: string, overrides: Partial<PodInfo> = {}): PodInfo {
  return podInfo({
    namespace,
    name,
    ip,
    nodeName,
    roles: ['app'],
    hostIP: nodeName === 'node1' ? LAB.node1 : nodeName === 'node2' ? LAB.node2 : null,
    ...overrides,
  });
}

export const endpoint = (ip: string, nodeName: string, ready = true): EndpointInfo => ({
  ip,
  nodeName,
  ready,
  targetRef: null,
});

export const port = (p: number, nodePort: number | null = null, name = 'http'): ServicePortInfo => ({
  name,
  port: p,
  nodePort,
  targetPort: p,
  protocol: 'TCP',
});

export interface ServiceSpec {
  namespace?: string;
  name: string;
  type?: ServiceInfo['type'];
  clusterIP?: string;
  ports?: ServicePortInfo[];
  policy?: TrafficPolicy;
  endpoints?: EndpointInfo[];
  lbAddress?: string;
  ipMode?: 'VIP' | 'Proxy';
  provider?: LoadBalancerProviderKind;
  announcingNode?: string;
  announcingNodes?: string[];
  annotations?: Record<string, string>;
  healthCheckNodePort?: number;
}

export function service(spec: ServiceSpec): ServiceInfo {
  const type = spec.type ?? 'ClusterIP';
  const external = type === 'NodePort' || type === 'LoadBalancer';
  const lb = type === 'LoadBalancer' && spec.lbAddress;
  return serviceInfo({
    namespace: spec.namespace ?? 'default',
    name: spec.name,
    type,
    clusterIP: spec.clusterIP ?? '10.96.0.10',
    clusterIPs: [spec.clusterIP ?? '10.96.0.10'],
    externalTrafficPolicy: external ? (spec.policy ?? 'Cluster') : null,
    healthCheckNodePort: type === 'LoadBalancer' && spec.policy === 'Local' ? (spec.healthCheckNodePort ?? 32000) : null,
    loadBalancerIPs: lb ? [spec.lbAddress!] : [],
    loadBalancerIngress: lb ? [{ ip: spec.lbAddress!, ...(spec.ipMode ? { ipMode: spec.ipMode } : {}) }] : [],
    announcingNode: spec.announcingNode ?? null,
    announcingNodes: spec.announcingNodes ?? [],
    loadBalancerProvider: type === 'LoadBalancer' ? (spec.provider ?? 'cloud') : null,
    ports: spec.ports ?? [port(80)],
    endpoints: spec.endpoints ?? [endpoint(LAB.echoPod, 'node1')],
    annotations: spec.annotations ?? {},
  });
}

export const nginxSettings = (overrides: Partial<IngressControllerSettings> = {}): IngressControllerSettings => ({
  useForwardedHeaders: false,
  useProxyProtocol: false,
  computeFullForwardedFor: false,
  trustedCIDRs: ['0.0.0.0/0'],
  origin: 'defaults',
  ...overrides,
});

export const traefikSettings = (overrides: Partial<IngressControllerSettings> = {}): IngressControllerSettings => ({
  useForwardedHeaders: false,
  useProxyProtocol: false,
  computeFullForwardedFor: false,
  trustedCIDRs: [],
  entryPoint: 'web',
  origin: 'container args',
  ...overrides,
});

export function controller(spec: {
  kind?: IngressControllerInfo['kind'];
  namespace?: string;
  name?: string;
  service: string | null;
  settings: IngressControllerSettings;
  pods?: PodInfo[];
  classes?: string[];
}): IngressControllerInfo {
  const kind = spec.kind ?? 'ingress-nginx';
  const namespace = spec.namespace ?? 'ingress-nginx';
  const name = spec.name ?? 'ingress-nginx-controller';
  const pods = spec.pods ?? [controllerPod(namespace)];
  return {
    id: `${kind}/${namespace}/${name}`,
    kind,
    namespace,
    service: spec.service,
    settings: spec.settings,
    ingressClasses: spec.classes ?? ['nginx'],
    pods: pods.map((p) => ({ namespace: p.namespace, name: p.name, ip: p.ip, nodeName: p.nodeName, ready: p.ready })),
    configMap: kind === 'ingress-nginx' ? `${namespace}/${name}` : null,
  };
}

export const controllerPod = (namespace = 'ingress-nginx', overrides: Partial<PodInfo> = {}): PodInfo =>
  pod(namespace, 'ingress-controller-0', LAB.ingressPod, 'node1', { roles: ['ingress-controller'], ...overrides });

/** The lab's echo is the hopscope echo (labelled as the chart does), the one echo that reads a PROXY preamble. */
export const echoPod = (): PodInfo =>
  pod('default', 'echo-0', LAB.echoPod, 'node1', { roles: ['echo'], labels: { 'app.kubernetes.io/name': 'hopscope-echo' }, parsesProxyProtocol: true });

export function ingress(spec: {
  namespace?: string;
  name: string;
  host: string;
  backend: string;
  controller: IngressControllerInfo | null;
  tls?: boolean;
}): IngressInfo {
  return {
    namespace: spec.namespace ?? 'default',
    name: spec.name,
    className: spec.controller?.ingressClasses[0] ?? null,
    hosts: [spec.host],
    tls: spec.tls ?? false,
    tlsHosts: spec.tls ? [spec.host] : [],
    addresses: [],
    backends: [{ host: spec.host, path: '/', serviceName: spec.backend, servicePort: 80 }],
    controller: spec.controller,
  };
}

/** The lab as a demo source: both nodes and the echo pod. */
export function inventory(parts: Partial<ClusterInventory> = {}): ClusterInventory {
  return clusterInventory({
    source: { mode: 'demo', context: 'demo/lab', server: '' },
    kubeProxy: { mode: 'iptables', source: 'default', clusterCIDR: '10.244.0.0/16' },
    nodes: labNodes(),
    pods: [echoPod()],
    durationMs: 0,
    ...parts,
  });
}

/** An ingress controller Service in front of the lab's ingress pod, plus the controller and its Ingress to echo. */
export function ingressSetup(spec: {
  controllerService: ServiceSpec;
  settings: IngressControllerSettings;
  kind?: IngressControllerInfo['kind'];
  host?: string;
}): Pick<ClusterInventory, 'services' | 'ingresses' | 'ingressControllers' | 'pods'> {
  const kind = spec.kind ?? 'ingress-nginx';
  const namespace = kind === 'traefik' ? 'kube-system' : 'ingress-nginx';
  const name = kind === 'traefik' ? 'traefik' : 'ingress-nginx-controller';
  const ctrlPod = controllerPod(namespace);
  const ctrl = controller({ kind, namespace, name, service: spec.controllerService.name, settings: spec.settings, pods: [ctrlPod], classes: [kind === 'traefik' ? 'traefik' : 'nginx'] });
  const ctrlSvc = service({
    namespace,
    clusterIP: '10.96.0.20',
    endpoints: [endpoint(LAB.ingressPod, 'node1')],
    ...spec.controllerService,
  });
  const echo = service({ name: 'echo', clusterIP: '10.96.0.10' });
  return {
    services: [ctrlSvc, echo],
    ingresses: [ingress({ name: 'echo', host: spec.host ?? 'echo.example.test', backend: 'echo', controller: ctrl })],
    ingressControllers: [ctrl],
    pods: [echoPod(), ctrlPod],
  };
}
