// Which paths a trace may probe at all. Every path is predicted; only paths whose final target is meant to be probed
// get packets, because a probe reads back what answers it and the trace is served to anyone who can open the
// dashboard (GET /api/v1/traces, share links).
//
// The rule, in order:
//  1. Egress is never probed: it leads out of the cluster.
//  2. With HOPSCOPE_PROBE_ANY_SERVICE=true every other path is probed.
//  3. The path's final Service decides: for an Ingress path the backend Service the path ends at (the last Service
//     hop, behind the controller), for LoadBalancer / NodePort / ClusterIP paths the entry's own Service. It is
//     probed when
//       a. it is labelled (or annotated) hopscope.io/probe-target: "true" — the hopscope chart labels its echo
//          Services so, and a user opts any other Service in the same way; or
//       b. it has endpoints and every one of them (ready or not: kube-proxy may pick any, a ClusterIP trace probes
//          each ready one) is a hopscope echo pod, i.e. a pod labelled app.kubernetes.io/name: hopscope-echo.
//     A path ending at an ingress controller's own Service ends at the controller, not at an echo: it is probed
//     only when that Service is labelled.
//  4. hostPort / hostNetwork paths have no Service: the pod itself must be a hopscope echo pod.
// Other echo servers hopscope can read (echoserver, whoami, …) are probed once their Service is labelled.
import type { EgressEcho } from '@/lib/config';
import { ECHO_POD_LABELS } from '@/lib/k8s/pods';
import type { ClusterInventory, NetPath, PodInfo, ServiceInfo } from '@/lib/types';

/** The label (or annotation) a user sets on a Service to have hopscope probe it. */
export const PROBE_TARGET_LABEL = 'hopscope.io/probe-target';

/** The label the Helm chart puts on every hopscope echo pod (the first of the echo labels discovery knows). */
const [ECHO_LABEL_KEY, ECHO_LABEL_VALUE] = ECHO_POD_LABELS[0]!;

export interface ScopeOptions {
  /** HOPSCOPE_PROBE_ANY_SERVICE: probe every path but egress. */
  probeAnyService?: boolean;
  /**
   * HOPSCOPE_EGRESS_ECHO: echoes outside the cluster the in-cluster trace may connect to for the cluster-wide egress
   * path (lib/probe/egress.ts). Only the deployment sets them; outside plans and demo traces never pass any.
   */
  egressEchoes?: readonly EgressEcho[];
}

export const EGRESS_NOT_PROBED =
  'not probed: egress leads out of the cluster, where probes go only to the echoes listed in HOPSCOPE_EGRESS_ECHO (none is listed)';

/** The egress path of pods in general (lib/model/paths/plans.ts egressPlan without a pod). */
export const EGRESS_PATH_ID = 'egress:cluster';

/** The path is probed through the egress echoes: the cluster-wide egress path, when any echo is configured. */
export const isEgressProbed = (path: NetPath, echoes: ScopeOptions['egressEchoes'] = []): boolean => path.id === EGRESS_PATH_ID && echoes.length > 0;

export function findService(inventory: ClusterInventory, namespace: string | null, name: string): ServiceInfo | null {
  return inventory.services.find((s) => s.namespace === namespace && s.name === name) ?? null;
}

/** The Service behind a path's entry (the LB / NodePort / ClusterIP Service itself, or the Ingress controller's). */
export function entryService(inventory: ClusterInventory, path: NetPath): ServiceInfo | null {
  const { entry } = path;
  if (entry.kind === 'ingress') {
    const routes = entry.objectKind === 'IngressRoute' ? (inventory.ingressRoutes ?? []) : inventory.ingresses;
    const controller = routes.find((i) => i.namespace === entry.namespace && i.name === entry.name)?.controller;
    if (!controller?.service) return null;
    return findService(inventory, controller.namespace, controller.service);
  }
  return findService(inventory, entry.namespace, entry.name);
}

const optedIn = (service: ServiceInfo) =>
  service.labels[PROBE_TARGET_LABEL] === 'true' || service.annotations[PROBE_TARGET_LABEL] === 'true';

export const isHopscopeEchoPod = (pod: PodInfo | undefined): boolean => pod?.labels[ECHO_LABEL_KEY] === ECHO_LABEL_VALUE;

/** A pod by its name, or by its address when no name is known and exactly one pod has it (hostNetwork pods share one). */
function podOf(inventory: ClusterInventory, namespace: string | null | undefined, name: string | undefined, ip: string | null) {
  if (name !== undefined) return inventory.pods.find((p) => p.namespace === namespace && p.name === name);
  const byIp = ip ? inventory.pods.filter((p) => p.ip === ip) : [];
  return byIp.length === 1 ? byIp[0] : undefined;
}

/** Every endpoint of the Service is a hopscope echo pod (and there is at least one). */
function leadsOnlyToEcho(service: ServiceInfo, inventory: ClusterInventory): boolean {
  return (
    service.endpoints.length > 0 &&
    service.endpoints.every((e) => {
      const ref = e.targetRef?.kind === 'Pod' ? e.targetRef : null;
      return isHopscopeEchoPod(podOf(inventory, ref?.namespace, ref?.name, e.ip));
    })
  );
}

/** The Service a path's traffic ends at (see the rule above); null for paths without one. */
export function finalService(path: NetPath, inventory: ClusterInventory): ServiceInfo | null {
  if (path.entry.kind === 'ingress') {
    const backend = path.hops.findLast((h) => h.kind === 'service')?.objects.find((o) => o.kind === 'Service');
    return backend ? findService(inventory, backend.namespace ?? null, backend.name) : null;
  }
  return entryService(inventory, path);
}

/**
 * Null when the trace may probe `path`; otherwise why not, as the sentence the trace shows for the path.
 */
export function notProbedReason(path: NetPath, inventory: ClusterInventory, options: ScopeOptions = {}): string | null {
  const { entry } = path;
  if (entry.kind === 'egress') {
    if (isEgressProbed(path, options.egressEchoes)) return null;
    return path.id === EGRESS_PATH_ID || !options.egressEchoes?.length
      ? EGRESS_NOT_PROBED
      : 'not probed: this egress path is one pod\'s own; the egress echoes observe only the path of pods in general, which the prober is';
  }
  if (options.probeAnyService) return null;
  if (entry.kind === 'hostPort' || entry.kind === 'hostNetwork') {
    const podRef = path.hops.findLast((h) => h.kind === 'pod')?.objects.find((o) => o.kind === 'Pod');
    const pod = podOf(inventory, podRef?.namespace ?? entry.namespace, podRef?.name ?? entry.name, null);
    if (isHopscopeEchoPod(pod)) return null;
    return (
      `not probed: pod ${entry.namespace ?? '?'}/${entry.name} is not a hopscope echo (${ECHO_LABEL_KEY}=${ECHO_LABEL_VALUE}) ` +
      'and has no Service to label; set HOPSCOPE_PROBE_ANY_SERVICE=true to probe it'
    );
  }
  const service = finalService(path, inventory);
  if (!service) {
    return 'not probed: hopscope does not know the Service this path ends at, so it cannot tell whether it is a probe target';
  }
  if (optedIn(service) || leadsOnlyToEcho(service, inventory)) return null;
  return (
    `not probed: Service ${service.namespace}/${service.name} is not a probe target (it does not lead only to the hopscope echo); ` +
    `label the Service ${PROBE_TARGET_LABEL}=true to probe it: kubectl label service -n ${service.namespace} ${service.name} ${PROBE_TARGET_LABEL}=true`
  );
}
