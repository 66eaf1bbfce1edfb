import type { IngressControllerInfo, IngressRouteInfo, TraefikAllowList } from '../types';
import type { TraefikIngressRoute, TraefikMiddleware } from './raw';

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
      middlewares: (r.middlewares ?? [])
        .filter((mw) => typeof mw.name === 'string' && mw.name !== '')
        .map((mw) => ({ namespace: mw.namespace || namespace, name: mw.name! })),
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

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter((x) => x !== '') : []);

/** A Middleware's ipAllowList (or ipWhiteList, its older name), null when it has neither (docs/domain.md#s6.2.5). */
export function normalizeAllowList(mw: TraefikMiddleware): TraefikAllowList | null {
  const field = mw.spec?.ipAllowList ? 'ipAllowList' : mw.spec?.ipWhiteList ? 'ipWhiteList' : null;
  if (!field) return null;
  const list = mw.spec![field]!;
  const depth = Number(list.ipStrategy?.depth ?? 0);
  return {
    namespace: mw.metadata?.namespace ?? '',
    name: mw.metadata?.name ?? '',
    field,
    sourceRange: strings(list.sourceRange),
    depth: Number.isInteger(depth) && depth > 0 ? depth : 0,
    excludedIPs: strings(list.ipStrategy?.excludedIPs),
  };
}

/** The `<namespace>-<name>@kubernetescrd` references of an Ingress's router.middlewares annotation. */
export function ingressMiddlewareRefs(annotations: Record<string, string> | undefined): string[] {
  return (annotations?.['traefik.ingress.kubernetes.io/router.middlewares'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}
