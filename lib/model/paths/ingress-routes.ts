// Traefik IngressRoutes as ways in (docs/domain.md#s6.2.4): per entry point the route names (else Traefik's default
// entry points), per host of its Host(`…`) rules and per Service backend, through the controller Service port that
// reaches that entry point — the entry point is named by the route, not guessed from TLS (docs/domain.md#s6.2.2).
import type { IngressControllerInfo, IngressRouteInfo } from '@/lib/types';
import type { PathPlan } from '../plan';
import { clientStage, inClusterClientStage, missingControllerStage } from '../stages';
import { type EntryPointChoice, defaultEntryPoints, entryPointNamed } from '../traefik-entrypoints';
import { type Model, byRef } from './model';
import { routeAllowLists } from './traefik-middlewares';
import { plan } from './plans';
import { ingressTail, listenerOf } from './tails';
import { controllerPrefixes, controllerService } from './ways-in';

/** Each host of the route's rules with the Service backends that serve it ('*': rules without a Host matcher). */
function hostBackends(route: IngressRouteInfo): Map<string, IngressRouteInfo['routes'][number]['services']> {
  const out = new Map<string, IngressRouteInfo['routes'][number]['services']>();
  for (const r of route.routes) {
    for (const host of r.hosts.length > 0 ? r.hosts : ['*']) {
      const services = out.get(host) ?? [];
      for (const s of r.services) {
        if (s.kind === 'Service' && !services.some((x) => x.namespace === s.namespace && x.name === s.name)) services.push(s);
      }
      out.set(host, services);
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function entryPointsOf(route: IngressRouteInfo, controller: IngressControllerInfo): string[] {
  if (route.entryPoints.length > 0) return [...new Set(route.entryPoints)].sort();
  const defaults = defaultEntryPoints(controller);
  return defaults.length > 0 ? defaults.sort() : [controller.settings.entryPoint ?? 'web'];
}

function noController(m: Model, route: IngressRouteInfo, host: string): PathPlan {
  return {
    id: `ingressRoute:${route.namespace}/${route.name}:${host}`,
    entry: { kind: 'ingress', objectKind: 'IngressRoute', namespace: route.namespace, name: route.name, host: host === '*' ? null : host, address: null, port: null, scheme: route.tls ? 'https' : 'http' },
    stages: [clientStage(), missingControllerStage(null)],
    context: { nodeCIDRs: m.nodeCIDRs, ingressRoute: route },
    inCluster: (from) => ({ stages: [inClusterClientStage(from), missingControllerStage(null)], note: null, shortCircuit: false }),
    spoofCheck: false,
  };
}

/** The named entry point's settings; where the Service port the path takes reaches another entry point, say so. */
function listenerFor(m: Model, controller: IngressControllerInfo, entryPoint: string, reached: EntryPointChoice): EntryPointChoice {
  const named = entryPointNamed(controller, entryPoint);
  if (reached.entryPoint === null || reached.entryPoint.toLowerCase() === entryPoint.toLowerCase()) return named;
  const svc = controllerService(m, controller);
  const missed = `no port of ${svc ? `${svc.namespace}/${svc.name}` : 'the controller'} reaches entry point "${entryPoint}"; the path shown takes the port that reaches "${reached.entryPoint}", where Traefik does not serve this route.`;
  return { ...named, assumption: [named.assumption, missed].filter(Boolean).join(' ') };
}

export function ingressRoutePlans(m: Model): PathPlan[] {
  const out: PathPlan[] = [];
  for (const route of [...(m.inventory.ingressRoutes ?? [])].sort(byRef)) {
    const controller = route.controller ? (m.inventory.ingressControllers.find((c) => c.id === route.controller!.id) ?? route.controller) : null;
    for (const [host, services] of hostBackends(route)) {
      if (!controller) {
        out.push(noController(m, route, host));
        continue;
      }
      for (const entryPoint of entryPointsOf(route, controller)) {
        const tls = route.tls || /secure|https|tls/i.test(entryPoint);
        for (const backend of services) {
          for (const prefix of controllerPrefixes(m, controller, { entryPoint, tls })) {
            const reached = listenerOf(controller, { svc: controllerService(m, controller), ...prefix });
            const choice = listenerFor(m, controller, entryPoint, reached);
            const tail = ingressTail(m, choice, prefix.node, { namespace: backend.namespace, name: backend.name, port: backend.port, ingressRoute: route, allowLists: routeAllowLists(m.inventory, route, host) });
            out.push(
              plan(
                m,
                {
                  ...prefix,
                  id: `ingressRoute:${route.namespace}/${route.name}:${entryPoint}:${host}:${backend.namespace}/${backend.name}@${prefix.id}`,
                  entry: { kind: 'ingress', objectKind: 'IngressRoute', namespace: route.namespace, name: route.name, host: host === '*' ? null : host, address: prefix.entry.address, port: prefix.entry.port, scheme: tls ? 'https' : 'http' },
                },
                tail,
              ),
            );
          }
        }
      }
    }
  }
  return out;
}
