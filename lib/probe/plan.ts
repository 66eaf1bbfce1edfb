// Which probes a trace sends, as pure data: from the paths and the inventory to a list of PlannedProbe.
// Every target comes from a TargetSet built from the inventory (targets.ts); only paths scope.ts lets through get any.
import { controllerBehind } from '@/lib/model/kubeproxy';
import type { ClusterInventory, NetPath, ProbeKind, ProbeOutcome, ProbeTarget } from '@/lib/types';
import { entryService, notProbedReason, type ScopeOptions } from './scope';
import { TargetSet, targetFromInventory } from './targets';
import { requestRefusal } from './wire';

/** The forged client address of the spoof test: a documentation address no cluster object uses (RFC 5737). */
export const SPOOF_ADDRESS = '198.51.100.66';

export interface PlannedProbe {
  id: string;
  pathId: string;
  kind: ProbeKind;
  target: ProbeTarget;
  /** HTTP request path: "/" for the echo, "/healthz" for healthCheckNodePort. */
  httpPath: string;
  /** Headers a forging client adds (spoof test only). */
  forgedHeaders: [string, string][];
  /** The node a NodePort / health-check probe goes to. */
  nodeName: string | null;
  /** Why hopscope will not send this request (a control character in the Host, …), or null: see wire.ts. */
  refusal: string | null;
}

export interface PlanOptions extends ScopeOptions {
  /** Where probes may go; built from the inventory unless given. */
  set?: TargetSet;
  /** How a probe of the path ends from this vantage (its prediction); the outside prediction unless given. */
  expectedOutcome?: (path: NetPath) => ProbeOutcome;
}

/**
 * The Ingress host of every probe that ends at an ingress controller: an ingress path's own host, else (a path to the
 * controller's own Service: its LB address, NodePort or ClusterIP) a host of an Ingress the controller serves, so the
 * controller routes the probe as it routes that Ingress, not to its default backend (docs/lab.md#row-40).
 */
export function ingressHostOf(path: NetPath, inventory: ClusterInventory): { host: string; tls: boolean } | null {
  if (path.entry.kind === 'ingress') return path.entry.host ? { host: path.entry.host, tls: path.entry.scheme === 'https' } : null;
  const service = entryService(inventory, path);
  const controller = service ? controllerBehind(inventory, service) : null;
  if (!controller) return null;
  const tls = path.entry.scheme === 'https';
  const served = inventory.ingresses
    .filter((i) => i.controller?.id === controller.id)
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  // A TLS port wants a host with a certificate; a plain port any host.
  const hosts = served.flatMap((i) => [...i.hosts].sort().map((host) => ({ host, tls: i.tlsHosts.includes(host) || (i.tls && i.tlsHosts.length === 0) })));
  const host = hosts.find((h) => h.tls === tls) ?? hosts[0];
  return host ? { host: host.host, tls } : null;
}

/** The direct targets of one path: what an outside client would connect to. */
function directTargets(path: NetPath, inventory: ClusterInventory, set: TargetSet): { target: ProbeTarget; nodeName: string | null }[] {
  const { entry } = path;
  const service = entryService(inventory, path);
  switch (entry.kind) {
    case 'nodePort': {
      // docs/sources.md#seed-002: `for node in $NODES; do curl $node:$NODEPORT; done` — every node, unless the path names one.
      // Nodes with a ready endpoint first, so the spoof test goes to a node that does not drop (Local policy).
      const hasEndpoint = (name: string) => (service?.endpoints ?? []).some((e) => e.ready && e.nodeName === name);
      const nodes = (entry.address ? inventory.nodes.filter((n) => n.internalIP === entry.address) : inventory.nodes)
        .map((n, i) => ({ n, i, rank: hasEndpoint(n.name) ? 0 : 1 }))
        .sort((a, b) => a.rank - b.rank || a.i - b.i)
        .map(({ n }) => n);
      return nodes.flatMap((n) => {
        const target = targetFromInventory(set, n.internalIP, entry.port);
        return target ? [{ target, nodeName: n.name }] : [];
      });
    }
    case 'ingress': {
      const tls = entry.scheme === 'https';
      const target = targetFromInventory(set, entry.address, entry.port ?? (tls ? 443 : 80), { host: entry.host, tls });
      return target ? [{ target, nodeName: null }] : [];
    }
    case 'externalIP':
    case 'loadBalancer': {
      // Exactly what a pod or an outside client sends: no PROXY line of hopscope's own (docs/vantages.md).
      const target = targetFromInventory(set, entry.address, entry.port);
      return target ? [{ target, nodeName: null }] : [];
    }
    case 'clusterIP': {
      const viaService = targetFromInventory(set, entry.address, entry.port);
      const port = service?.ports.find((p) => p.port === entry.port);
      // With internalTrafficPolicy Local a pod's node decides whether the ClusterIP answers at all ("has no local
      // endpoints" DROP, docs/lab.md#row-47); the endpoint's own address answers anyway, so it would hide the drop.
      const itpLocal = service?.internalTrafficPolicy === 'Local';
      const pods = (itpLocal ? [] : (service?.endpoints ?? []))
        .filter((e) => e.ready && typeof port?.targetPort === 'number')
        .flatMap((e) => {
          const target = targetFromInventory(set, e.ip, port?.targetPort as number);
          return target ? [{ target, nodeName: e.nodeName }] : [];
        });
      return [...(viaService ? [{ target: viaService, nodeName: null }] : []), ...pods];
    }
    case 'hostPort':
    case 'hostNetwork': {
      const target = targetFromInventory(set, entry.address, entry.port);
      return target ? [{ target, nodeName: null }] : [];
    }
    case 'egress':
      // Egress goes to the outside world: never probed (probes stay inside the cluster).
      return [];
  }
}

/** healthCheckNodePort /healthz on every node (docs/domain.md#s2.1): which nodes would take outside traffic. */
function healthChecks(path: NetPath, inventory: ClusterInventory, set: TargetSet) {
  const service = entryService(inventory, path);
  if (!service?.healthCheckNodePort || path.entry.kind === 'clusterIP') return [];
  return inventory.nodes.flatMap((n) => {
    const target = targetFromInventory(set, n.internalIP, service.healthCheckNodePort);
    return target ? [{ target, nodeName: n.name }] : [];
  });
}

/** The probes of every path the trace may probe (scope.ts); paths outside the scope get none. */
export function planProbes(paths: NetPath[], inventory: ClusterInventory, options: PlanOptions = {}): PlannedProbe[] {
  const set = options.set ?? TargetSet.fromInventory(inventory);
  const expectedOutcome = options.expectedOutcome ?? ((path: NetPath) => path.expectedOutcome ?? 'ok');
  const planned: Omit<PlannedProbe, 'refusal'>[] = [];
  for (const path of paths.filter((p) => notProbedReason(p, inventory, options) === null)) {
    // The controller routes by Host (and SNI): the same host on every probe of a path that ends there.
    const ingressHost = path.entry.kind === 'ingress' ? null : ingressHostOf(path, inventory);
    const withHost = (t: ProbeTarget): ProbeTarget => (ingressHost ? { ...t, host: ingressHost.host, tls: ingressHost.tls } : t);
    const direct = directTargets(path, inventory, set).map((d) => ({ ...d, target: withHost(d.target) }));
    const id = (kind: ProbeKind, t: ProbeTarget) => `${path.id}#${kind}#${t.address}:${t.port}`;
    for (const { target, nodeName } of direct) {
      planned.push({ id: id('direct', target), pathId: path.id, kind: 'direct', target, httpPath: '/', forgedHeaders: [], nodeName });
    }
    // The spoof test goes to the first target (the LB / Ingress / first node), unless the prediction for this
    // vantage already says the request does not get through there.
    const first = direct[0];
    if (first && expectedOutcome(path) === 'ok') {
      planned.push({
        id: id('spoof', first.target),
        pathId: path.id,
        kind: 'spoof',
        target: first.target,
        httpPath: '/',
        forgedHeaders: [
          ['X-Forwarded-For', SPOOF_ADDRESS],
          ['X-Real-IP', SPOOF_ADDRESS],
        ],
        nodeName: first.nodeName,
      });
    }
    for (const { target, nodeName } of healthChecks(path, inventory, set)) {
      planned.push({ id: id('health-check', target), pathId: path.id, kind: 'health-check', target, httpPath: '/healthz', forgedHeaders: [], nodeName });
    }
  }
  return planned.map((p) => ({ ...p, refusal: requestRefusal({ target: p.target, httpPath: p.httpPath, headers: p.forgedHeaders }) }));
}
