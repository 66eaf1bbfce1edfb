// Findings about what hopscope could not see of a Traefik controller: a static file that replaces flags and env
// (docs/domain.md#s6.2.3), an entry point it had to assume for a port (docs/domain.md#s6.2.2), and IngressRoute backends
// it does not follow (docs/domain.md#s6.2.4).
import type { Finding } from '@/lib/types';
import type { PathPlan } from '../plan';
import { finding, hopIdOf } from './finding';

export function traefikFindings(plan: PathPlan): Finding[] {
  const ctx = plan.context;
  const c = ctx.controller;
  const out: Finding[] = [];
  if (c?.kind === 'traefik' && c.settings.staticFile) {
    const file = c.settings.staticFile;
    out.push(
      finding('traefik-static-file-unread', {
        hopId: hopIdOf(plan, 'controller'),
        message: `Traefik ${c.id} loads its static configuration from ${file}, which hopscope cannot read; Traefik then ignores its flags and TRAEFIK_* env. This verdict rests on the assumption that entry point "${c.settings.entryPoint ?? 'web'}" has the defaults: no forwardedHeaders and no proxyProtocol trust.`,
        fix: `Check entryPoints.${c.settings.entryPoint ?? 'web'}.forwardedHeaders and .proxyProtocol in ${file} (kubectl exec -n ${c.namespace} <traefik pod> -- cat ${file.includes('{') ? '/etc/traefik/traefik.yml' : file}), or configure the entry points with --entryPoints.<name>.* flags instead of the file so they can be checked.`,
      }),
    );
  } else if (ctx.entryPointAssumption && c) {
    out.push(
      finding('traefik-entry-point-assumed', {
        hopId: hopIdOf(plan, 'controller'),
        message: `${c.id}: ${ctx.entryPointAssumption} This verdict rests on that entry point's settings.`,
        fix: `Give the entry point that serves this port an address on the container port the Service sends to (--entryPoints.<name>.address=:<containerPort>/tcp), or point the Service's targetPort at the entry point's port.`,
      }),
    );
  }
  const route = ctx.ingressRoute;
  const skipped = route ? route.routes.flatMap((r) => r.services.filter((s) => s.kind !== 'Service')) : [];
  if (route && skipped.length > 0) {
    out.push(
      finding('ingressroute-service-not-followed', {
        hopId: hopIdOf(plan, 'controller'),
        message: `IngressRoute ${route.namespace}/${route.name} also routes to ${skipped.map((s) => `${s.kind} ${s.namespace}/${s.name}`).join(', ')}; hopscope follows only kind Service backends, so those ways in are not shown.`,
        fix: null,
      }),
    );
  }
  return out;
}
