// Which probes a trace sends, as pure data: from the paths and the inventory to a list of PlannedProbe.
// Every target comes from a TargetSet built from the inventory (targets.ts); only paths scope.ts lets through get any.
import type { ClusterInventory, NetPath, ProbeKind, ProbeTarget, ServiceInfo } from '@/lib/types';
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
}

/**
 * A load-balancer address with ipMode VIP (or unset) is intercepted by kube-proxy for in-cluster clients and
 * never reaches the LB (docs/domain.md#s2.6): when the LB would add a PROXY header there, the in-cluster prober sends
 * one itself so the receiver sees what it would get from the LB.
 */
function ownProxyHeader(path: NetPath, service: ServiceInfo | null): ProbeTarget['proxyProtocol'] {
  if (path.entry.kind !== 'loadBalancer' || !service || !path.entry.address) return null;
  const ingress = service.loadBalancerIngress.find((i) => i.ip === path.entry.address);
  if (!ingress || ingress.ipMode === 'Proxy') return null;
  const lbIndex = path.hops.findIndex((h) => h.kind === 'loadBalancer');
  const afterLb = path.hops[lbIndex + 1];
  const predicted = afterLb?.arrival?.proxyProtocol ?? null;
  if (predicted) return predicted.version === 1 ? 'v1' : 'v2';
  return afterLb?.clientAddressVia === 'proxy-protocol' ? 'v2' : null;
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
    case 'loadBalancer': {
      const target = targetFromInventory(set, entry.address, entry.port, { proxyProtocol: ownProxyHeader(path, service) });
      return target ? [{ target, nodeName: null }] : [];
    }
    case 'clusterIP': {
      const viaService = targetFromInventory(set, entry.address, entry.port);
      const port = service?.ports.find((p) => p.port === entry.port);
      const pods = (service?.endpoints ?? [])
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
  const planned: Omit<PlannedProbe, 'refusal'>[] = [];
  for (const path of paths.filter((p) => notProbedReason(p, inventory, options) === null)) {
    const direct = directTargets(path, inventory, set);
    const id = (kind: ProbeKind, t: ProbeTarget) => `${path.id}#${kind}#${t.address}:${t.port}`;
    for (const { target, nodeName } of direct) {
      planned.push({ id: id('direct', target), pathId: path.id, kind: 'direct', target, httpPath: '/', forgedHeaders: [], nodeName });
    }
    // The spoof test goes to the first target an outside client would use (the LB / Ingress / first node), unless
    // the model already says the request does not get through there.
    const first = direct[0];
    const predictedOutcome = path.expectedOutcome ?? 'ok';
    if (first && predictedOutcome === 'ok') {
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
