// The Traefik Middlewares a router runs, as the inventory has them: the ipAllowList ones an Ingress names in its
// router.middlewares annotation or an IngressRoute route in its middlewares (docs/domain.md#s6.2.5).
import type { ClusterInventory, IngressInfo, IngressRouteInfo, TraefikAllowList } from '@/lib/types';

const refOf = (a: TraefikAllowList) => `${a.namespace}-${a.name}@kubernetescrd`;

/** The allow-lists an Ingress's router.middlewares annotation names (`<namespace>-<name>@kubernetescrd`). */
export function ingressAllowLists(inventory: ClusterInventory, ingress: IngressInfo): TraefikAllowList[] {
  const refs = ingress.traefikMiddlewares ?? [];
  return (inventory.traefikAllowLists ?? []).filter((a) => refs.includes(refOf(a)));
}

/** The allow-lists of the IngressRoute's routes that serve `host` ('*': the routes without a Host matcher). */
export function routeAllowLists(inventory: ClusterInventory, route: IngressRouteInfo, host: string): TraefikAllowList[] {
  const refs = route.routes
    .filter((r) => (host === '*' ? r.hosts.length === 0 : r.hosts.includes(host)))
    .flatMap((r) => r.middlewares ?? []);
  return (inventory.traefikAllowLists ?? []).filter((a) => refs.some((r) => r.namespace === a.namespace && r.name === a.name));
}

