// Manifests into the inventory the dashboard would discover, with no cluster. A scenario file or a `kubectl get -o
// yaml` dump already holds nodes, pods, EndpointSlices and status: those objects go through discovery's own
// normalisation unchanged. A rendered chart (helm template, kustomize build) holds none of them, so what a cluster
// would add is assumed, each kind only when the input has none of it, and every assumption becomes a note.
import type { ManifestObject } from '../demo/manifest';
import { serviceSelects } from '../k8s/labels';
import { normalizeInventory } from '../k8s/normalize';
import { rawObjectsFromManifest } from '../k8s/raw';
import type { ClusterInventory } from '../types';
import type { Location, ManifestSet } from './manifests';
import { plural } from './format';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet']);
/** Kinds without a namespace among those a chart renders; every other object lives in one. */
const CLUSTER_SCOPED = new Set(['Node', 'Namespace', 'IngressClass', 'GatewayClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'RuntimeClass', 'CiliumLoadBalancerIPPool', 'CiliumL2AnnouncementPolicy', 'CiliumBGPClusterConfig', 'CiliumBGPPeeringPolicy']);
/** The range the apiserver allocates NodePorts from by default (--service-node-port-range). */
const NODE_PORT_RANGE = { first: 30000, last: 32767 };

export interface Assumptions {
  /** Nodes to assume when the manifests hold no Node objects. */
  nodes: number;
  /** Namespace of the objects that name none (as kubectl apply -n; helm template leaves it out). */
  namespace: string;
}
export const DEFAULT_ASSUMPTIONS: Assumptions = { nodes: 3, namespace: 'default' };
/** Stands in for addresses only a running cluster assigns (pod IPs of assumed endpoints). */
export const UNKNOWN_ADDRESS = 'unknown';

export interface Assumed {
  inventory: ClusterInventory;
  /** What had to be assumed, for people (text, SARIF notifications, GitHub notices). */
  notes: string[];
  /** "<Kind>/<namespace>/<name>" → where the object (or, for an assumed pod, its workload) is written. */
  locations: Map<string, Location>;
  /** The objects the inventory was made of, the assumed ones included: what a cluster would serve. */
  objects: ManifestObject[];
}

export const objectKey = (kind: string, namespace: string | null | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

// Only the fields read or written here: the Kubernetes types stay in lib/k8s, which normalises these objects.
interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

interface PodObject {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: unknown[] };
  spec: Record<string, unknown> & { nodeName?: string };
  status?: { podIP?: string; phase?: string; conditions?: unknown[] };
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  selector?: Record<string, string>;
  allocateLoadBalancerNodePorts?: boolean;
  ports?: { nodePort?: number | null }[];
}

interface ServiceStatus {
  loadBalancer?: { ingress?: unknown[] };
}

function workloadPods(workload: ManifestObject, nodes: readonly string[]): PodObject[] {
  const spec = (workload.spec ?? {}) as { replicas?: number; template?: Template };
  const template = spec.template ?? {};
  const namespace = workload.metadata.namespace ?? 'default';
  const daemon = workload.kind === 'DaemonSet';
  const count = daemon ? nodes.length : Math.max(0, Math.min(spec.replicas ?? 1, 100));
  // A Deployment's pods belong to a ReplicaSet named <deployment>-<hash>: discovery reports them as the Deployment.
  const owner = workload.kind === 'Deployment' ? { kind: 'ReplicaSet', name: `${workload.metadata.name}-assumed` } : { kind: workload.kind, name: workload.metadata.name };
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${workload.metadata.name}-assumed-${i + 1}`,
      namespace,
      labels: { ...template.metadata?.labels, ...(workload.kind === 'Deployment' ? { 'pod-template-hash': 'assumed' } : {}) },
      annotations: template.metadata?.annotations ?? {},
      ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: '', controller: true }],
    },
    spec: { ...(template.spec ?? { containers: [] }), nodeName: nodes[i % nodes.length] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  }));
}

function endpointSlice(service: ManifestObject, pods: readonly PodObject[]): ManifestObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service.metadata.name}-assumed`, namespace: service.metadata.namespace, labels: { 'kubernetes.io/service-name': service.metadata.name } },
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: [p.status?.podIP ?? UNKNOWN_ADDRESS],
      nodeName: p.spec.nodeName,
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name },
    })),
  };
}

/** The workload's pods as its selector picks them (matchLabels; its template's labels when it has none). */
function selectsPod(workload: ManifestObject, pod: PodObject): boolean {
  if ((pod.metadata.namespace ?? 'default') !== workload.metadata.namespace) return false;
  const spec = (workload.spec ?? {}) as { selector?: { matchLabels?: Record<string, string> }; template?: Template };
  const selector = spec.selector?.matchLabels ?? spec.template?.metadata?.labels;
  return selector !== undefined && Object.keys(selector).length > 0 && serviceSelects(selector, pod.metadata.labels);
}

export function assumeInventory(input: ManifestSet, assumptions: Assumptions = DEFAULT_ASSUMPTIONS): Assumed {
  const notes: string[] = [];
  const locations = new Map<string, Location>();
  const objects: ManifestObject[] = [];
  // helm template writes no namespace into most objects: install puts them in the release's.
  let placed = 0;
  const set: ManifestSet = {
    ...input,
    objects: input.objects.map((entry) => {
      if (entry.object.metadata.namespace || CLUSTER_SCOPED.has(entry.object.kind)) return entry;
      placed++;
      return { ...entry, object: { ...entry.object, metadata: { ...entry.object.metadata, namespace: assumptions.namespace } } };
    }),
  };
  if (placed > 0) notes.push(`no metadata.namespace: ${plural(placed, 'object')} placed in ${JSON.stringify(assumptions.namespace)} (-n)`);
  const byKind = (kind: string) => set.objects.filter((o) => o.object.kind === kind);
  for (const { object, at } of set.objects) {
    locations.set(objectKey(object.kind, object.metadata.namespace, object.metadata.name), at);
    if (!WORKLOADS.has(object.kind) || (object.kind === 'DaemonSet' && object.metadata.namespace === 'kube-system')) objects.push(object);
  }

  let nodes = byKind('Node').map((o) => o.object.metadata.name);
  if (nodes.length === 0) {
    nodes = Array.from({ length: assumptions.nodes }, (_, i) => `assumed-node-${i + 1}`);
    for (const name of nodes) {
      const node: ManifestObject = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: UNKNOWN_ADDRESS }] },
      };
      objects.push(node);
    }
    notes.push(`no Node objects: ${plural(nodes.length, 'node')} assumed (--nodes), Ready, addresses unknown`);
  }

  const pods = byKind('Pod').map((o) => o.object as unknown as PodObject);
  // A workload whose pods the input does not hold (a rendered chart; a dump of the Deployment alone) gets the pods
  // its template describes. A Pod of its own in the input (a helm test hook) says nothing about the others'.
  const given = [...pods];
  const workloads = set.objects.filter(
    (o) => WORKLOADS.has(o.object.kind) && !(o.object.kind === 'DaemonSet' && o.object.metadata.namespace === 'kube-system') && !given.some((p) => selectsPod(o.object, p)),
  );
  if (workloads.length > 0) {
    const before = pods.length;
    for (const { object, at } of workloads) {
      for (const pod of workloadPods(object, nodes)) {
        pods.push(pod);
        objects.push(pod as unknown as ManifestObject);
        locations.set(objectKey('Pod', pod.metadata.namespace, pod.metadata.name), at);
      }
    }
    notes.push(`no Pod objects for ${plural(workloads.length, 'workload')}: ${plural(pods.length - before, 'pod')} assumed from their templates (replicas; a DaemonSet on every node), Running and Ready, addresses unknown`);
  }

  if (byKind('EndpointSlice').length === 0) {
    const podsByNamespace = new Map<string, PodObject[]>();
    for (const pod of pods) {
      const namespace = pod.metadata.namespace ?? 'default';
      const list = podsByNamespace.get(namespace) ?? [];
      list.push(pod);
      podsByNamespace.set(namespace, list);
    }
    let made = 0;
    for (const { object } of byKind('Service')) {
      const selector = (object.spec as ServiceSpec | undefined)?.selector;
      const selected = (podsByNamespace.get(object.metadata.namespace ?? 'default') ?? []).filter((p) => serviceSelects(selector, p.metadata.labels));
      if (selected.length === 0) continue;
      objects.push(endpointSlice(object, selected));
      made++;
    }
    if (made > 0) notes.push(`no EndpointSlice objects: endpoints of ${plural(made, 'Service')} assumed from the pods their selectors pick, ready`);
  }

  // The apiserver allocates ClusterIPs and the load balancer writes status: a rendered manifest has neither, and a
  // Service without them would look headless or pending, which is not what it will be.
  let noClusterIP = 0;
  let pending = 0;
  let noNodePort = 0;
  const taken = new Set(objects.flatMap((o) => (o.kind === 'Service' ? ((o.spec as ServiceSpec | undefined)?.ports ?? []).map((p) => p.nodePort) : [])));
  let nextNodePort = NODE_PORT_RANGE.first;
  for (const [i, object] of objects.entries()) {
    if (object.kind !== 'Service' || object.apiVersion !== 'v1') continue;
    const spec = (object.spec ?? {}) as ServiceSpec;
    const status = (object.status ?? {}) as ServiceStatus;
    const type = spec.type ?? 'ClusterIP';
    const patched = { ...object, spec: { ...spec }, status: { ...status } };
    if (type !== 'ExternalName' && spec.clusterIP === undefined) {
      patched.spec.clusterIP = UNKNOWN_ADDRESS;
      noClusterIP++;
    }
    // A NodePort (and, unless told not to, a LoadBalancer) gets a node port per port from the apiserver: without a
    // number there would be no NodePort path. The numbers given here are placeholders from the default range.
    if ((type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false)) && spec.ports?.some((p) => !p.nodePort)) {
      patched.spec.ports = spec.ports.map((p) => {
        if (p.nodePort) return p;
        while (taken.has(nextNodePort) && nextNodePort < NODE_PORT_RANGE.last) nextNodePort++;
        taken.add(nextNodePort);
        noNodePort++;
        return { ...p, nodePort: nextNodePort };
      });
    }
    if (type === 'LoadBalancer' && (status.loadBalancer?.ingress ?? []).length === 0) {
      patched.status.loadBalancer = { ingress: [{ ip: UNKNOWN_ADDRESS }] };
      pending++;
    }
    objects[i] = patched;
  }
  if (noClusterIP > 0) notes.push(`no spec.clusterIP: ${plural(noClusterIP, 'Service')} assumed to get one, address unknown`);
  if (noNodePort > 0) notes.push(`no nodePort: ${plural(noNodePort, 'Service port')} assumed to get one; numbered from ${NODE_PORT_RANGE.first} here, the cluster picks its own`);
  if (pending > 0) notes.push(`no status: ${plural(pending, 'LoadBalancer Service')} assumed to get an external address, unknown`);
  const ignored = Object.entries(set.ignored).sort(([a], [b]) => (a < b ? -1 : 1));
  if (ignored.length > 0) {
    const count = ignored.reduce((n, [, c]) => n + c, 0);
    notes.push(`ignored ${plural(count, 'object')} of kinds hopscope does not read: ${ignored.map(([k, c]) => `${k} ${c}`).join(', ')}`);
  }

  const inventory = normalizeInventory(rawObjectsFromManifest(objects), {
    source: { mode: 'demo', context: 'manifests', server: '' },
    errors: [],
    discoveredAt: new Date().toISOString(),
    durationMs: 0,
  });
  return { inventory, notes, locations, objects };
}

