import 'server-only';
import type {
  V1ConfigMap,
  V1DaemonSet,
  V1EndpointSlice,
  V1Ingress,
  V1IngressClass,
  V1Node,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import { HopscopeError } from '../errors';
import type { DiscoveryError } from '../types';
import { KubeApi, type KubeTarget } from './client';
import { classifyFailure, describeFailure, type CallContext, type ResourceCall } from './errors';
import { controllerConfigMapRefs } from './ingress';
import { podMatters } from './normalize';
import type { RawClusterObjects, RawCustomObject } from './raw';

// Live discovery: every list in parallel, each bounded in time; failures become named partial errors and
// the rest is still returned. Only an apiserver that cannot be reached at all is fatal.

export interface RawDiscovery {
  objects: RawClusterObjects;
  errors: DiscoveryError[];
}

const list = (plural: string, group = '', optional = false): ResourceCall => ({
  resource: group ? `${plural}.${group}` : plural,
  group,
  plural,
  verb: 'list',
  optional,
});

const getConfigMap = (namespace: string, name: string): ResourceCall => ({
  resource: `configmaps ${namespace}/${name}`,
  group: '',
  plural: 'configmaps',
  verb: 'get',
  namespace,
  optional: true,
});

const METALLB = '/apis/metallb.io/v1beta1';

function unreachable(target: KubeTarget, error: DiscoveryError): HopscopeError {
  return new HopscopeError(
    'cluster_unreachable',
    `cannot reach the Kubernetes API server at ${target.server}: ${error.message}`,
    `check that ${target.server} (context ${target.context}) is up and reachable from hopscope, or pick another context`,
  );
}

const configMapPath = (namespace: string, name: string) =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`;

export async function discoverRawObjects(target: KubeTarget, timeoutMs: number): Promise<RawDiscovery> {
  const api = new KubeApi(target, timeoutMs);
  const ctx: CallContext = { server: target.server, context: target.context, timeoutMs };
  const errors: DiscoveryError[] = [];

  /** The value of a settled read; a failure is recorded (unless the resource is simply absent) and yields `fallback`. */
  function outcome<T>(result: PromiseSettledResult<T>, call: ResourceCall, fallback: T): T {
    if (result.status === 'fulfilled') return result.value;
    const failure = classifyFailure(result.reason, call, ctx);
    if (!failure.absent) errors.push(failure.error);
    return fallback;
  }

  const nodesCall = list('nodes');
  const podsCall = list('pods');
  const [nodes, services, endpointSlices, pods, ingresses, ingressClasses, daemonSets, kubeProxy, metallbLegacy,
    ipAddressPools, l2Advertisements, bgpAdvertisements, serviceL2Statuses, serviceBGPStatuses] = await Promise.allSettled([
    api.list<V1Node>('/api/v1/nodes'),
    api.list<V1Service>('/api/v1/services'),
    api.list<V1EndpointSlice>('/apis/discovery.k8s.io/v1/endpointslices'),
    // Only the pods that matter are kept while paging, so memory stays flat however many pods run.
    api.list<V1Pod>('/api/v1/pods', podMatters),
    api.list<V1Ingress>('/apis/networking.k8s.io/v1/ingresses'),
    api.list<V1IngressClass>('/apis/networking.k8s.io/v1/ingressclasses'),
    api.list<V1DaemonSet>('/apis/apps/v1/namespaces/kube-system/daemonsets'),
    api.get<V1ConfigMap>(configMapPath('kube-system', 'kube-proxy')),
    api.get<V1ConfigMap>(configMapPath('metallb-system', 'config')),
    api.list<RawCustomObject>(`${METALLB}/ipaddresspools`),
    api.list<RawCustomObject>(`${METALLB}/l2advertisements`),
    api.list<RawCustomObject>(`${METALLB}/bgpadvertisements`),
    api.list<RawCustomObject>(`${METALLB}/servicel2statuses`),
    api.list<RawCustomObject>(`${METALLB}/servicebgpstatuses`),
  ]);

  if (nodes.status === 'rejected') {
    const failure = classifyFailure(nodes.reason, nodesCall, ctx);
    // Without nodes nothing else answered either when the server is down or silent: that is not a partial result.
    if (!failure.absent && failure.error.status === 0) throw unreachable(target, failure.error);
  }
  const nodeList = outcome(nodes, nodesCall, []);
  const podList = outcome(pods, podsCall, []);

  // Second round: the ConfigMaps the ingress-nginx pods name with --configmap (only now known).
  const refs = controllerConfigMapRefs(podList);
  const controllerConfigMaps = (await Promise.allSettled(refs.map((ref) => api.get<V1ConfigMap>(configMapPath(ref.namespace, ref.name))))).map(
    (result, i) => outcome<V1ConfigMap | null>(result, getConfigMap(refs[i]!.namespace, refs[i]!.name), null),
  );
  const metallbList = (result: PromiseSettledResult<RawCustomObject[]>, plural: string) =>
    outcome(result, list(plural, 'metallb.io', true), []);

  return {
    objects: {
      nodes: nodeList,
      services: outcome(services, list('services'), []),
      endpointSlices: outcome(endpointSlices, list('endpointslices', 'discovery.k8s.io'), []),
      pods: podList,
      ingresses: outcome(ingresses, list('ingresses', 'networking.k8s.io'), []),
      ingressClasses: outcome(ingressClasses, list('ingressclasses', 'networking.k8s.io'), []),
      daemonSets: outcome(daemonSets, { ...list('daemonsets', 'apps'), namespace: 'kube-system' }, []),
      configMaps: [
        outcome<V1ConfigMap | null>(kubeProxy, getConfigMap('kube-system', 'kube-proxy'), null),
        outcome<V1ConfigMap | null>(metallbLegacy, getConfigMap('metallb-system', 'config'), null),
        ...controllerConfigMaps,
      ].filter((cm): cm is V1ConfigMap => cm !== null),
      metallb: {
        ipAddressPools: metallbList(ipAddressPools, 'ipaddresspools'),
        l2Advertisements: metallbList(l2Advertisements, 'l2advertisements'),
        bgpAdvertisements: metallbList(bgpAdvertisements, 'bgpadvertisements'),
        serviceL2Statuses: metallbList(serviceL2Statuses, 'servicel2statuses'),
        serviceBGPStatuses: metallbList(serviceBGPStatuses, 'servicebgpstatuses'),
      },
    },
    errors,
  };
}

/** Readiness: the apiserver answers `/version` within the timeout; throws a 503 HopscopeError otherwise. */
export async function checkApiServer(target: KubeTarget, timeoutMs: number): Promise<{ gitVersion: string }> {
  try {
    const info = await new KubeApi(target, timeoutMs).get<{ gitVersion: string }>('/version');
    return { gitVersion: info.gitVersion };
  } catch (err) {
    const ctx = { server: target.server, context: target.context, timeoutMs };
    const error = describeFailure(err, { ...list('version'), resource: '/version' }, ctx);
    if (error.status === 0) throw unreachable(target, error);
    throw new HopscopeError(
      'cluster_unavailable',
      `the Kubernetes API server at ${target.server} answered ${error.status}: ${error.message}`,
      error.hint,
    );
  }
}
