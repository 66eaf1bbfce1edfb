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
    503,
    `check that ${target.server} (context ${target.context}) is up and reachable from hopscope, or pick another context`,
  );
}

export async function discoverRawObjects(target: KubeTarget, timeoutMs: number): Promise<RawDiscovery> {
  const api = new KubeApi(target, timeoutMs);
  const ctx: CallContext = { server: target.server, context: target.context, timeoutMs };
  const errors: DiscoveryError[] = [];

  /** Runs one read; a failure is recorded (or ignored when the resource is simply absent) and yields `fallback`. */
  async function attempt<T>(call: ResourceCall, fallback: T, read: () => Promise<T>): Promise<T> {
    const [result] = await Promise.allSettled([read()]);
    if (result!.status === 'fulfilled') return result!.value;
    const failure = classifyFailure(result!.reason, call, ctx);
    if (!failure.absent) errors.push(failure.error);
    return fallback;
  }
  const listOf = <T>(call: ResourceCall, path: string, keep?: (item: T) => boolean) =>
    attempt(call, [] as T[], () => api.list<T>(path, keep));
  const metallb = (plural: string) => listOf<RawCustomObject>(list(plural, 'metallb.io', true), `${METALLB}/${plural}`);
  const configMap = (namespace: string, name: string) =>
    attempt(getConfigMap(namespace, name), null as V1ConfigMap | null, () =>
      api.get<V1ConfigMap>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`),
    );

  const nodesCall = list('nodes');
  const [nodesResult, services, endpointSlices, pods, ingresses, ingressClasses, daemonSets, kubeProxy, metallbLegacy,
    ipAddressPools, l2Advertisements, bgpAdvertisements, serviceL2Statuses, serviceBGPStatuses] = await Promise.all([
    Promise.allSettled([api.list<V1Node>('/api/v1/nodes')]).then(([r]) => r!),
    listOf<V1Service>(list('services'), '/api/v1/services'),
    listOf<V1EndpointSlice>(list('endpointslices', 'discovery.k8s.io'), '/apis/discovery.k8s.io/v1/endpointslices'),
    // Only the pods that matter are kept while paging, so memory stays flat however many pods run.
    listOf<V1Pod>(list('pods'), '/api/v1/pods', podMatters),
    listOf<V1Ingress>(list('ingresses', 'networking.k8s.io'), '/apis/networking.k8s.io/v1/ingresses'),
    listOf<V1IngressClass>(list('ingressclasses', 'networking.k8s.io'), '/apis/networking.k8s.io/v1/ingressclasses'),
    listOf<V1DaemonSet>({ ...list('daemonsets', 'apps'), namespace: 'kube-system' }, '/apis/apps/v1/namespaces/kube-system/daemonsets'),
    configMap('kube-system', 'kube-proxy'),
    configMap('metallb-system', 'config'),
    metallb('ipaddresspools'),
    metallb('l2advertisements'),
    metallb('bgpadvertisements'),
    metallb('servicel2statuses'),
    metallb('servicebgpstatuses'),
  ]);

  if (nodesResult.status === 'rejected') {
    const failure = classifyFailure(nodesResult.reason, nodesCall, ctx);
    // Without nodes nothing else answered either when the server is down or silent: that is not a partial result.
    if (!failure.absent && failure.error.status === 0) throw unreachable(target, failure.error);
    if (!failure.absent) errors.unshift(failure.error);
  }

  // Second round: the ConfigMaps the ingress-nginx pods name with --configmap (only now known).
  const controllerConfigMaps = await Promise.all(controllerConfigMapRefs(pods).map((ref) => configMap(ref.namespace, ref.name)));

  return {
    objects: {
      nodes: nodesResult.status === 'fulfilled' ? nodesResult.value : [],
      services,
      endpointSlices,
      pods,
      ingresses,
      ingressClasses,
      daemonSets,
      configMaps: [kubeProxy, metallbLegacy, ...controllerConfigMaps].filter((cm): cm is V1ConfigMap => cm !== null),
      metallb: {
        ipAddressPools,
        l2Advertisements,
        bgpAdvertisements,
        serviceL2Statuses,
        serviceBGPStatuses,
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
      503,
      error.hint,
    );
  }
}
