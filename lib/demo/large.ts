import type { ManifestObject, ScenarioManifest, ScenarioMeta } from './manifest';

// The `large` scenario, generated rather than stored: N nodes and M Services (70% ClusterIP, 20% NodePort,
// 10% LoadBalancer from a MetalLB pool), each Service with an EndpointSlice of two ready pods on different
// nodes, an ingress-nginx controller and one Ingress per 20 Services. It feeds the discovery scale budget
// (5,000 nodes / 20,000 Services) and a small version of it is a demo scenario.
// Node and VIP addresses come from 198.18.0.0/15, the block reserved for benchmarks (RFC 2544), because the
// three /24 documentation blocks cannot number 5,000 nodes; pods use 10.244.0.0/16, ClusterIPs 10.96.0.0/16.

export interface LargeScenarioSize {
  nodes: number;
  services: number;
}

export const LARGE_DEMO_SIZE: LargeScenarioSize = { nodes: 500, services: 240 };

function ipFromIndex(base: [number, number], index: number): string {
  return `${base[0]}.${base[1] + Math.floor(index / 65536)}.${Math.floor(index / 256) % 256}.${index % 256}`;
}

const nodeIP = (i: number) => ipFromIndex([198, 18], i + 10);
const vip = (i: number) => `198.19.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`;
const podIP = (i: number) => ipFromIndex([10, 244], i + 2);
const clusterIP = (i: number) => ipFromIndex([10, 96], i + 10);
const nodeName = (i: number) => `node-${String(i).padStart(5, '0')}`;

const nodeCountOf = (size: LargeScenarioSize) => Math.max(2, size.nodes);

/** The scenario's header, without generating its objects (the picker lists it on every page). */
export function largeScenarioMeta(size: LargeScenarioSize): ScenarioMeta {
  return {
    id: 'large',
    title: `Large cluster (${nodeCountOf(size)} nodes, ${size.services} Services)`,
    description: 'A generated cluster for the scale budget: many nodes and Services, MetalLB and ingress-nginx.',
    origin: 'generated',
  };
}

export function generateLargeScenario(size: LargeScenarioSize): ScenarioManifest {
  const objects: ManifestObject[] = [];
  const nodeCount = nodeCountOf(size);

  for (let i = 0; i < nodeCount; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: nodeName(i),
        labels: {
          'kubernetes.io/hostname': nodeName(i),
          ...(i < 3 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
      },
      status: {
        addresses: [
          { type: 'InternalIP', address: nodeIP(i) },
          { type: 'Hostname', address: nodeName(i) },
        ],
        conditions: [{ type: 'Ready', status: i % 97 === 96 ? 'False' : 'True' }],
      },
    });
  }

  objects.push(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-proxy', namespace: 'kube-system' },
      data: { 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: "iptables"\n' },
    },
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'bench', namespace: 'metallb-system' },
      spec: { addresses: ['198.19.0.0/16'] },
    },
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: { name: 'bench', namespace: 'metallb-system' },
      spec: { ipAddressPools: ['bench'] },
    },
  );

  let pods = 0;
  let lbs = 0;
  for (let s = 0; s < size.services; s++) {
    const namespace = `team-${s % 50}`;
    const name = `svc-${String(s).padStart(5, '0')}`;
    const type = s % 10 === 0 ? 'LoadBalancer' : s % 10 < 3 ? 'NodePort' : 'ClusterIP';
    const policy = s % 4 === 0 ? 'Local' : 'Cluster';
    const external = type !== 'ClusterIP';
    const lbIndex = type === 'LoadBalancer' ? lbs++ : -1;
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace,
        uid: `00000000-0000-4000-8000-${String(s).padStart(12, '0')}`,
        ...(lbIndex >= 0 ? { annotations: { 'metallb.io/ip-allocated-from-pool': 'bench' } } : {}),
      },
      spec: {
        type,
        selector: { app: name },
        clusterIP: clusterIP(s),
        clusterIPs: [clusterIP(s)],
        ports: [
          {
            name: 'http',
            port: 80,
            targetPort: 8080,
            protocol: 'TCP',
            ...(external ? { nodePort: 30000 + (s % 2767) } : {}),
          },
        ],
        ...(external ? { externalTrafficPolicy: policy } : {}),
        ...(lbIndex >= 0 && policy === 'Local' ? { healthCheckNodePort: 32767 - (s % 500) } : {}),
        internalTrafficPolicy: 'Cluster',
      },
      status: lbIndex >= 0 ? { loadBalancer: { ingress: [{ ip: vip(lbIndex), ipMode: 'VIP' }] } } : {},
    });
    const endpoints = [0, 1].map((k) => {
      const p = pods++;
      const node = nodeName((s * 7 + k * 13) % nodeCount);
      const podName = `${name}-${k}`;
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName, namespace, labels: { app: name } },
        spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
        status: { phase: 'Running', podIP: podIP(p), conditions: [{ type: 'Ready', status: 'True' }] },
      });
      return {
        addresses: [podIP(p)],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: node,
        targetRef: { kind: 'Pod', namespace, name: podName },
      };
    });
    objects.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-abcde`, namespace, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints,
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    if (s % 20 === 0) {
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name, namespace },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host: `${name}.${namespace}.example.com`,
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] },
            },
          ],
        },
      });
    }
  }

  objects.push(
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'nginx' },
      spec: { controller: 'k8s.io/ingress-nginx' },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'ingress-nginx-controller-7d4b9c8f6-abcde',
        namespace: 'ingress-nginx',
        labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ingress-nginx-controller-7d4b9c8f6', uid: 'rs-1', controller: true }],
      },
      spec: {
        nodeName: nodeName(3 % nodeCount),
        containers: [
          {
            name: 'controller',
            image: 'registry.k8s.io/ingress-nginx/controller:v1.15.1',
            args: ['/nginx-ingress-controller', '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller'],
          },
        ],
      },
      status: { phase: 'Running', podIP: '10.244.255.250', conditions: [{ type: 'Ready', status: 'True' }] },
    },
  );

  return {
    meta: largeScenarioMeta(size),
    fixture: { forbidden: [], apiGroups: [] },
    objects,
  };
}
