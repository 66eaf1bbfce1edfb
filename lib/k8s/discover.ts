import 'server-only';
import { setMaxListeners } from 'node:events';
import type {
  V1ConfigMap,
  V1DaemonSet,
  V1EndpointSlice,
  V1Ingress,
  V1IngressClass,
  V1NetworkPolicy,
  V1Node,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import { HopscopeError } from '../errors';
import type { DiscoveryError } from '../types';
import { discoveryLimits, KubeApi, type DiscoveryLimits, type DiscoveryProgress, type KubeTarget } from './client';
import { DISCOVERY_CALLS as CALLS, callPath, resourceCall, type DiscoveryCall } from './discovery-calls';
import { classifyFailure, describeFailure, DiscoveryDeadlineExceeded, ListTruncated, type CallContext } from './errors';
import { ExecCredentialError, forgetExecCredential } from './exec-credential';
import { controllerConfigMapRefs } from './ingress';
import { podMatters } from './normalize';
import type { RawClusterObjects, RawCustomObject, TraefikIngressRoute, TraefikMiddleware } from './raw';

// Live discovery: every list in parallel, each bounded in time; failures become named partial errors and
// the rest is still returned. Only an apiserver that cannot be reached at all is fatal. The whole discovery is
// bounded too: a deadline over all its calls, pages / items / bytes per list (DiscoveryLimits), and the caller's
// signal, which stops every request at once when the client has gone.

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

/** An exec credential plugin that failed or hung: nothing can be read without credentials. */
function credentialsFailed(target: KubeTarget, error: ExecCredentialError): HopscopeError {
  return new HopscopeError(
    'cluster_unavailable',
    `no credentials for context ${target.context}: ${error.message}`,
    error.timedOut
      ? 'run the plugin by hand in the environment hopscope runs in: it must answer without asking anything; raise HOPSCOPE_EXEC_CREDENTIAL_TIMEOUT_MS if it is just slow'
      : 'run the plugin by hand in the environment hopscope runs in, or use another context',
  );
}

export interface DiscoveryOptions {
  /** Aborted when the client has gone: every request stops and discovery rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Bounds on top of the configured ones (discoveryLimits()). */
  limits?: Partial<DiscoveryLimits>;
  /** Told after every page read. */
  progress?: DiscoveryProgress;
}

export async function discoverRawObjects(target: KubeTarget, timeoutMs: number, options: DiscoveryOptions = {}): Promise<RawDiscovery> {
  const limits = discoveryLimits(options.limits);
  const outer = options.signal;
  outer?.throwIfAborted();
  // One signal for the whole discovery: its deadline or the caller's signal, whichever comes first.
  const stop = new AbortController();
  // Every call of the discovery listens to it at the same time.
  setMaxListeners(1_000, stop.signal);
  const onOuter = () => stop.abort(outer!.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  const deadline = setTimeout(() => stop.abort(new DiscoveryDeadlineExceeded(limits.deadlineMs)), limits.deadlineMs);
  try {
    const api = new KubeApi(target, timeoutMs, { ...limits, signal: stop.signal, ...(options.progress ? { onPage: options.progress } : {}) });
    try {
      await api.credentials();
    } catch (err) {
      if (err instanceof ExecCredentialError) throw credentialsFailed(target, err);
      // Anything else is reported by the calls themselves, as before.
    }
    // The client has gone: nobody wants a result made of aborted calls, nor an error made of them (the nodes list
    // aborted mid-way would read as an unreachable apiserver).
    const discovery = await discoverWith(api, target, timeoutMs).catch((err: unknown) => {
      outer?.throwIfAborted();
      throw err;
    });
    outer?.throwIfAborted();
    if (discovery.errors.some((e) => e.status === 401)) forgetExecCredential(target.kubeConfig);
    return discovery;
  } finally {
    clearTimeout(deadline);
    outer?.removeEventListener('abort', onOuter);
  }
}

async function discoverWith(api: KubeApi, target: KubeTarget, timeoutMs: number): Promise<RawDiscovery> {
  const ctx: CallContext = { server: target.server, context: target.context, timeoutMs };
  const errors: DiscoveryError[] = [];

  /**
   * The value of a settled read; a failure is recorded (unless the resource is simply absent) and yields `fallback`,
   * a list stopped at a bound yields what it kept.
   */
  function outcome<T>(result: PromiseSettledResult<T>, call: DiscoveryCall, fallback: T): T {
    if (result.status === 'fulfilled') return result.value;
    const failure = classifyFailure(result.reason, resourceCall(call), ctx);
    if (!failure.absent) errors.push(failure.error);
    return result.reason instanceof ListTruncated ? (result.reason.kept as T) : fallback;
  }

  /** Every item of the call's list, within the call's own bound where it has one. */
  const listOf = <T,>(call: DiscoveryCall, keep?: (item: T) => boolean) => api.list<T>(callPath(call), keep, call);

  // Only the pods that matter are kept while paging, so memory stays flat however many pods run.
  const podsRead = listOf<V1Pod>(CALLS.pods, podMatters);
  // The ConfigMaps the ingress-nginx pods name with --configmap are read as soon as the pods are known, beside the
  // other lists: a slow list elsewhere does not hold them back until the discovery's deadline.
  const controllerRead = podsRead
    .catch((err: unknown) => (err instanceof ListTruncated ? (err.kept as V1Pod[]) : []))
    .then(async (podsSoFar) => {
      const calls = controllerConfigMapRefs(podsSoFar).map((ref): DiscoveryCall => ({ ...CALLS.controllerConfigMaps, ...ref }));
      return { calls, results: await Promise.allSettled(calls.map((call) => api.get<V1ConfigMap>(callPath(call)))) };
    });

  const [nodes, services, endpointSlices, pods, ingresses, ingressClasses, networkPolicies, daemonSets, kubeProxy, kubeProxyEks, metallbLegacy,
    ipAddressPools, l2Advertisements, bgpAdvertisements, serviceL2Statuses, serviceBGPStatuses, ciliumConfig, ciliumPools,
    ciliumL2Policies, leases, ingressRoutes, ingressRoutesContainous, middlewares, middlewaresContainous] = await Promise.allSettled([
    listOf<V1Node>(CALLS.nodes),
    listOf<V1Service>(CALLS.services),
    listOf<V1EndpointSlice>(CALLS.endpointSlices),
    podsRead,
    listOf<V1Ingress>(CALLS.ingresses),
    listOf<V1IngressClass>(CALLS.ingressClasses),
    listOf<V1NetworkPolicy>(CALLS.networkPolicies),
    listOf<V1DaemonSet>(CALLS.daemonSets),
    api.get<V1ConfigMap>(callPath(CALLS.kubeProxyConfig)),
    api.get<V1ConfigMap>(callPath(CALLS.kubeProxyConfigEks)),
    api.get<V1ConfigMap>(callPath(CALLS.metallbLegacyConfig)),
    listOf<RawCustomObject>(CALLS.ipAddressPools),
    listOf<RawCustomObject>(CALLS.l2Advertisements),
    listOf<RawCustomObject>(CALLS.bgpAdvertisements),
    listOf<RawCustomObject>(CALLS.serviceL2Statuses),
    listOf<RawCustomObject>(CALLS.serviceBGPStatuses),
    api.get<V1ConfigMap>(callPath(CALLS.ciliumConfig)),
    listOf<RawCustomObject>(CALLS.ciliumLoadBalancerIPPools),
    listOf<RawCustomObject>(CALLS.ciliumL2AnnouncementPolicies),
    listOf<RawCustomObject>(CALLS.leases),
    listOf<TraefikIngressRoute>(CALLS.ingressRoutes),
    listOf<TraefikIngressRoute>(CALLS.ingressRoutesContainous),
    listOf<TraefikMiddleware>(CALLS.traefikMiddlewares),
    listOf<TraefikMiddleware>(CALLS.traefikMiddlewaresContainous),
  ]);
  const controller = await controllerRead;

  if (nodes.status === 'rejected') {
    if (nodes.reason instanceof ExecCredentialError) throw credentialsFailed(target, nodes.reason);
    const failure = classifyFailure(nodes.reason, resourceCall(CALLS.nodes), ctx);
    // Without nodes nothing else answered either when the server is down or silent: that is not a partial result.
    // A list of nodes cut after some pages did answer.
    if (!failure.absent && failure.error.status === 0 && !(nodes.reason instanceof ListTruncated)) throw unreachable(target, failure.error);
  }
  const nodeList = outcome(nodes, CALLS.nodes, []);
  const podList = outcome(pods, CALLS.pods, []);
  const controllerConfigMaps = controller.results.map((result, i) => outcome<V1ConfigMap | null>(result, controller.calls[i]!, null));

  return {
    objects: {
      nodes: nodeList,
      services: outcome(services, CALLS.services, []),
      endpointSlices: outcome(endpointSlices, CALLS.endpointSlices, []),
      pods: podList,
      ingresses: outcome(ingresses, CALLS.ingresses, []),
      ingressClasses: outcome(ingressClasses, CALLS.ingressClasses, []),
      networkPolicies: outcome(networkPolicies, CALLS.networkPolicies, []),
      daemonSets: outcome(daemonSets, CALLS.daemonSets, []),
      configMaps: [
        outcome<V1ConfigMap | null>(kubeProxy, CALLS.kubeProxyConfig, null),
        outcome<V1ConfigMap | null>(kubeProxyEks, CALLS.kubeProxyConfigEks, null),
        outcome<V1ConfigMap | null>(metallbLegacy, CALLS.metallbLegacyConfig, null),
        outcome<V1ConfigMap | null>(ciliumConfig, CALLS.ciliumConfig, null),
        ...controllerConfigMaps,
      ].filter((cm): cm is V1ConfigMap => cm !== null),
      metallb: {
        ipAddressPools: outcome(ipAddressPools, CALLS.ipAddressPools, []),
        l2Advertisements: outcome(l2Advertisements, CALLS.l2Advertisements, []),
        bgpAdvertisements: outcome(bgpAdvertisements, CALLS.bgpAdvertisements, []),
        serviceL2Statuses: outcome(serviceL2Statuses, CALLS.serviceL2Statuses, []),
        serviceBGPStatuses: outcome(serviceBGPStatuses, CALLS.serviceBGPStatuses, []),
      },
      cilium: {
        ipPools: outcome(ciliumPools, CALLS.ciliumLoadBalancerIPPools, []),
        l2Policies: outcome(ciliumL2Policies, CALLS.ciliumL2AnnouncementPolicies, []),
        leases: outcome(leases, CALLS.leases, []),
      },
      ingressRoutes: [
        ...outcome(ingressRoutes, CALLS.ingressRoutes, []),
        ...outcome(ingressRoutesContainous, CALLS.ingressRoutesContainous, []),
      ],
      traefikMiddlewares: [
        ...outcome(middlewares, CALLS.traefikMiddlewares, []),
        ...outcome(middlewaresContainous, CALLS.traefikMiddlewaresContainous, []),
      ],
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
    if (err instanceof ExecCredentialError) throw credentialsFailed(target, err);
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
