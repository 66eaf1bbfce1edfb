import type { IngressControllerInfo, IngressRouteInfo } from '../types';
import type { TraefikIngressRoute } from './raw';

// Traefik IngressRoutes (traefik.io/v1alpha1, and traefik.containo.us/v1alpha1 of Traefik v2) as the inventory keeps
// them: entry points, each route's hosts and backends, TLS, and the Traefik controller serving it (docs/domain.md#s6.2.4).

/** The hosts a rule's Host(`…`) matchers name (Traefik v2 allowed several per matcher); HostRegexp names none. */
export function matchHosts(match: string): string[] {
  const hosts: string[] = [];
  for (const m of match.matchAll(/(?<![A-Za-z])Host\(([^)]*)\)/g)) {
    for (const h of m[1]!.matchAll(/[`"']([^`"']+)[`"']/g)) hosts.push(h[1]!.trim().toLowerCase());
  }
  return [...new Set(hosts.filter((h) => h !== ''))];
}

const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * The Traefik controller serving the route: the one whose classes name its ingressClassName (or legacy class
 * annotation), else — no class asked for — the first Traefik controller.
 */
function controllerOf(route: TraefikIngressRoute, controllers: IngressControllerInfo[]): IngressControllerInfo | null {
  const traefiks = controllers.filter((c) => c.kind === 'traefik');
  const className = route.spec?.ingressClassName ?? route.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION] ?? null;
  if (className) return traefiks.find((c) => c.ingressClasses.includes(className)) ?? null;
  return traefiks[0] ?? null;
}

export function normalizeIngressRoute(route: TraefikIngressRoute, controllers: IngressControllerInfo[]): IngressRouteInfo {
  const namespace = route.metadata?.namespace ?? '';
  const spec = route.spec ?? {};
  return {
    namespace,
    name: route.metadata?.name ?? '',
    group: (route.apiVersion ?? '').split('/')[0] ?? '',
    entryPoints: (spec.entryPoints ?? []).filter((e): e is string => typeof e === 'string' && e !== ''),
    tls: spec.tls !== undefined && spec.tls !== null,
    routes: (spec.routes ?? []).map((r) => ({
      match: typeof r.match === 'string' ? r.match : '',
      hosts: typeof r.match === 'string' ? matchHosts(r.match) : [],
      services: (r.services ?? [])
        .filter((s) => typeof s.name === 'string' && s.name !== '')
        .map((s) => ({
          kind: s.kind || 'Service',
          namespace: s.namespace || namespace,
          name: s.name!,
          port: typeof s.port === 'number' || (typeof s.port === 'string' && s.port !== '') ? (/^\d+$/.test(String(s.port)) ? Number(s.port) : s.port) : null,
        })),
    })),
    controller: controllerOf(route, controllers),
  };
}
