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
import { DISCOVERY_CALLS as CALLS, callPath, resourceCall, type DiscoveryCall } from './discovery-calls';
import { classifyFailure, describeFailure, type CallContext } from './errors';
import { controllerConfigMapRefs } from './ingress';
import { podMatters } from './normalize';
import type { RawClusterObjects, RawCustomObject } from './raw';

// Live discovery: every list in parallel, each bounded in time; failures become named partial errors and
// the rest is still returned. Only an apiserver that cannot be reached at all is fatal.

export interface RawDiscovery {
  objects: RawClusterObjects;
  errors: DiscoveryError[];
}

function unreachable(target: KubeTarget, error: DiscoveryError): HopscopeError {
  return new HopscopeError(
    'cluster_unreachable',
    `cannot reach the Kubernetes API server at ${target.server}: ${error.message}`,
    `check that ${target.server} (context ${target.context}) is up and reachable from hopscope, or pick another context`,
  );
}

export async function discoverRawObjects(target: KubeTarget, timeoutMs: number): Promise<RawDiscovery> {
  const api = new KubeApi(target, timeoutMs);
  const ctx: CallContext = { server: target.server, context: target.context, timeoutMs };
  const errors: DiscoveryError[] = [];

  /** The value of a settled read; a failure is recorded (unless the resource is simply absent) and yields `fallback`. */
  function outcome<T>(result: PromiseSettledResult<T>, call: DiscoveryCall, fallback: T): T {
    if (result.status === 'fulfilled') return result.value;
    const failure = classifyFailure(result.reason, resourceCall(call), ctx);
    if (!failure.absent) errors.push(failure.error);
    return fallback;
  }

  const [nodes, services, endpointSlices, pods, ingresses, ingressClasses, daemonSets, kubeProxy, metallbLegacy,
    ipAddressPools, l2Advertisements, bgpAdvertisements, serviceL2Statuses, serviceBGPStatuses] = await Promise.allSettled([
    api.list<V1Node>(callPath(CALLS.nodes)),
    api.list<V1Service>(callPath(CALLS.services)),
    api.list<V1EndpointSlice>(callPath(CALLS.endpointSlices)),
    // Only the pods that matter are kept while paging, so memory stays flat however many pods run.
    api.list<V1Pod>(callPath(CALLS.pods), podMatters),
    api.list<V1Ingress>(callPath(CALLS.ingresses)),
    api.list<V1IngressClass>(callPath(CALLS.ingressClasses)),
    api.list<V1DaemonSet>(callPath(CALLS.daemonSets)),
    api.get<V1ConfigMap>(callPath(CALLS.kubeProxyConfig)),
    api.get<V1ConfigMap>(callPath(CALLS.metallbLegacyConfig)),
    api.list<RawCustomObject>(callPath(CALLS.ipAddressPools)),
    api.list<RawCustomObject>(callPath(CALLS.l2Advertisements)),
    api.list<RawCustomObject>(callPath(CALLS.bgpAdvertisements)),
    api.list<RawCustomObject>(callPath(CALLS.serviceL2Statuses)),
    api.list<RawCustomObject>(callPath(CALLS.serviceBGPStatuses)),
  ]);

  if (nodes.status === 'rejected') {
    const failure = classifyFailure(nodes.reason, resourceCall(CALLS.nodes), ctx);
    // Without nodes nothing else answered either when the server is down or silent: that is not a partial result.
    if (!failure.absent && failure.error.status === 0) throw unreachable(target, failure.error);
  }
  const nodeList = outcome(nodes, CALLS.nodes, []);
  const podList = outcome(pods, CALLS.pods, []);

  // Second round: the ConfigMaps the ingress-nginx pods name with --configmap (only now known).
  const controllerCalls = controllerConfigMapRefs(podList).map((ref): DiscoveryCall => ({ ...CALLS.controllerConfigMaps, ...ref }));
  const controllerConfigMaps = (await Promise.allSettled(controllerCalls.map((call) => api.get<V1ConfigMap>(callPath(call))))).map(
    (result, i) => outcome<V1ConfigMap | null>(result, controllerCalls[i]!, null),
  );

  return {
    objects: {
      nodes: nodeList,
      services: outcome(services, CALLS.services, []),
      endpointSlices: outcome(endpointSlices, CALLS.endpointSlices, []),
      pods: podList,
      ingresses: outcome(ingresses, CALLS.ingresses, []),
      ingressClasses: outcome(ingressClasses, CALLS.ingressClasses, []),
      daemonSets: outcome(daemonSets, CALLS.daemonSets, []),
      configMaps: [
        outcome<V1ConfigMap | null>(kubeProxy, CALLS.kubeProxyConfig, null),
        outcome<V1ConfigMap | null>(metallbLegacy, CALLS.metallbLegacyConfig, null),
        ...controllerConfigMaps,
      ].filter((cm): cm is V1ConfigMap => cm !== null),
      metallb: {
        ipAddressPools: outcome(ipAddressPools, CALLS.ipAddressPools, []),
        l2Advertisements: outcome(l2Advertisements, CALLS.l2Advertisements, []),
        bgpAdvertisements: outcome(bgpAdvertisements, CALLS.bgpAdvertisements, []),
        serviceL2Statuses: outcome(serviceL2Statuses, CALLS.serviceL2Statuses, []),
        serviceBGPStatuses: outcome(serviceBGPStatuses, CALLS.serviceBGPStatuses, []),
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
    const error = describeFailure(err, { resource: '/version', group: '', plural: 'version', verb: 'get', optional: false }, ctx);
    if (error.status === 0) throw unreachable(target, error);
    throw new HopscopeError(
      'cluster_unavailable',
      `the Kubernetes API server at ${target.server} answered ${error.status}: ${error.message}`,
      error.hint,
    );
  }
}
