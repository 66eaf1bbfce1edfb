import 'server-only';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  NetworkingV1Api,
  VersionApi,
  type ConfigurationOptions,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { HopscopeError } from '../errors';
import type { DiscoveryError } from '../types';
import { bounded, type KubeTarget } from './client';
import { classifyFailure, describeFailure, type CallContext, type ResourceCall } from './errors';
import { controllerConfigMapRefs } from './ingress';
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

const METALLB = { group: 'metallb.io', version: 'v1beta1' };

function unreachable(target: KubeTarget, error: DiscoveryError): HopscopeError {
  return new HopscopeError(
    'cluster_unreachable',
    `cannot reach the Kubernetes API server at ${target.server}: ${error.message}`,
    503,
    `check that ${target.server} (context ${target.context}) is up and reachable from hopscope, or pick another context`,
  );
}

export async function discoverRawObjects(target: KubeTarget, timeoutMs: number): Promise<RawDiscovery> {
  const kc = target.kubeConfig;
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ctx: CallContext = { server: target.server, context: target.context, timeoutMs };
  const errors: DiscoveryError[] = [];

  /** Runs one call; a failure is recorded (or ignored when the resource is simply absent) and yields `fallback`. */
  async function attempt<T>(call: ResourceCall, fallback: T, run: (o: ConfigurationOptions) => Promise<T>): Promise<T> {
    const [result] = await Promise.allSettled([bounded(timeoutMs, run)]);
    if (result!.status === 'fulfilled') return result!.value;
    const failure = classifyFailure(result!.reason, call, ctx);
    if (!failure.absent) errors.push(failure.error);
    return fallback;
  }
  const customList = (plural: string, version = METALLB.version) =>
    attempt(list(plural, METALLB.group, true), [] as RawCustomObject[], async (o) => {
      const body = (await custom.listClusterCustomObject({ group: METALLB.group, version, plural }, o)) as { items?: RawCustomObject[] };
      return body.items ?? [];
    });
  const configMap = (namespace: string, name: string) =>
    attempt(getConfigMap(namespace, name), null as V1ConfigMap | null, (o) => core.readNamespacedConfigMap({ namespace, name }, o));

  const nodesCall = list('nodes');
  const [nodesResult, services, endpointSlices, pods, ingresses, ingressClasses, daemonSets, kubeProxy, metallbLegacy,
    ipAddressPools, l2Advertisements, bgpAdvertisements, serviceL2Statuses, serviceBGPStatuses] = await Promise.all([
    Promise.allSettled([bounded(timeoutMs, (o) => core.listNode({}, o))]).then(([r]) => r!),
    attempt(list('services'), [], async (o) => (await core.listServiceForAllNamespaces({}, o)).items),
    attempt(list('endpointslices', 'discovery.k8s.io'), [], async (o) => (await discovery.listEndpointSliceForAllNamespaces({}, o)).items),
    attempt(list('pods'), [], async (o) => (await core.listPodForAllNamespaces({}, o)).items),
    attempt(list('ingresses', 'networking.k8s.io'), [], async (o) => (await networking.listIngressForAllNamespaces({}, o)).items),
    attempt(list('ingressclasses', 'networking.k8s.io'), [], async (o) => (await networking.listIngressClass({}, o)).items),
    attempt({ ...list('daemonsets', 'apps'), namespace: 'kube-system' }, [], async (o) =>
      (await apps.listNamespacedDaemonSet({ namespace: 'kube-system' }, o)).items),
    configMap('kube-system', 'kube-proxy'),
    configMap('metallb-system', 'config'),
    customList('ipaddresspools'),
    customList('l2advertisements'),
    customList('bgpadvertisements'),
    customList('servicel2statuses'),
    customList('servicebgpstatuses'),
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
      nodes: nodesResult.status === 'fulfilled' ? nodesResult.value.items : [],
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
  const version = target.kubeConfig.makeApiClient(VersionApi);
  try {
    const info = await bounded(timeoutMs, (o) => version.getCode(o));
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
