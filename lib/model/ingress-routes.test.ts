// Traefik IngressRoutes as ways in (docs/domain.md#s6.2.4, #src-S53): through the entry point the route names — the
// Service port that reaches it and its own settings (docs/domain.md#s6.2.1, #s6.2.2) — not through a port guessed from TLS.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { EntryPointSettings, IngressRouteInfo, ServicePortInfo } from '@/lib/types';
import { LAB, controller, controllerPod, echoPod, endpoint, inventory, service } from '@/test/support/lab-inventory';

const ep = (name: string, port: number, overrides: Partial<EntryPointSettings> = {}): EntryPointSettings => ({
  name,
  address: `:${port}/tcp`,
  port,
  forwardedHeadersTrustedIPs: [],
  forwardedHeadersInsecure: false,
  proxyProtocolTrustedIPs: [],
  proxyProtocolInsecure: false,
  ...overrides,
});
const svcPort = (name: string, port: number, targetPort: string): ServicePortInfo => ({ name, port, nodePort: null, targetPort, protocol: 'TCP' });

// web trusts every PROXY sender, websecure and internal nothing; internal has no Service port.
const POINTS = [ep('web', 8000, { proxyProtocolTrustedIPs: ['0.0.0.0/0'] }), ep('websecure', 8443), ep('internal', 9443)];

function routePaths(routes: Omit<IngressRouteInfo, 'controller'>[], withController = true) {
  const ctrlPod = controllerPod('traefik');
  const settings = { useForwardedHeaders: false, useProxyProtocol: true, computeFullForwardedFor: true, trustedCIDRs: [], proxyProtocolTrustedCIDRs: ['0.0.0.0/0'], entryPoint: 'web', entryPoints: POINTS, staticFile: null, origin: 'container args' };
  const ctrl = {
    ...controller({ kind: 'traefik', namespace: 'traefik', name: 'traefik', service: 'traefik', settings, pods: [ctrlPod], classes: ['traefik'] }),
    containerPorts: POINTS.map((p) => ({ name: p.name, containerPort: p.port!, protocol: 'TCP' })),
  };
  const ctrlSvc = service({
    namespace: 'traefik',
    name: 'traefik',
    type: 'LoadBalancer',
    lbAddress: LAB.vip,
    policy: 'Local',
    clusterIP: '10.96.0.20',
    ports: [svcPort('web', 80, 'web'), svcPort('websecure', 443, 'websecure')],
    endpoints: [endpoint(LAB.ingressPod, 'node1')],
    // Octavia sends PROXY on every port (docs/domain.md#s7).
    annotations: { 'loadbalancer.openstack.org/proxy-protocol': 'v2' },
  });
  const echo = service({ name: 'echo', clusterIP: '10.96.0.10' });
  return buildPaths(
    inventory({
      services: [ctrlSvc, echo],
      ingressControllers: [ctrl],
      ingressRoutes: routes.map((r) => ({ ...r, controller: withController ? ctrl : null })),
      pods: [echoPod(), ctrlPod],
      loadBalancers: [{ provider: 'cloud', name: 'openstack', pools: [] }],
    }),
  ).filter((p) => p.id.startsWith('ingressRoute:'));
}

type Backend = IngressRouteInfo['routes'][number]['services'][number];
const route = (entryPoints: string[], tls: boolean, services: Backend[] = [{ kind: 'Service', namespace: 'default', name: 'echo', port: 80 }]): Omit<IngressRouteInfo, 'controller'> => ({
  namespace: 'default',
  name: 'echo',
  group: 'traefik.io',
  entryPoints,
  tls,
  routes: [{ match: 'Host(`echo.example.test`)', hosts: ['echo.example.test'], services }],
});

describe('the entry point the route names decides port and settings (docs/domain.md#s6.2.4, #s6.2.2)', () => {
  it.each<[string, string[], boolean, [entryPoint: string, port: number, verdict: string][]]>([
    ['web without TLS: port 80, web trusts PROXY', ['web'], false, [['web', 80, 'header']]],
    // A TLS route on web still enters by web's port: the entry point, not TLS, picks it.
    ['a TLS route on web still goes through port 80', ['web'], true, [['web', 80, 'header']]],
    ['websecure: port 443, no PROXY trust there', ['websecure'], false, [['websecure', 443, 'broken']]],
    ['no entry points: every default one (traefik excluded)', [], false, [['internal', 80, 'broken'], ['web', 80, 'header'], ['websecure', 443, 'broken']]],
  ])('%s', (_label, entryPoints, tls, expected) => {
    const paths = routePaths([route(entryPoints, tls)]);
    const got = paths.map((p) => [p.hops.find((h) => h.kind === 'ingressController')!.details.entryPoint, p.entry.port, p.verdict]);
    expect(got).toEqual(expected);
    for (const p of paths) expect(p.entry).toMatchObject({ kind: 'ingress', objectKind: 'IngressRoute', namespace: 'default', name: 'echo', host: 'echo.example.test' });
  });

  it('an entry point no Service port reaches is said, and its own settings used', () => {
    const [p] = routePaths([route(['internal'], true)]);
    expect(p!.hops.find((h) => h.kind === 'ingressController')!.details.entryPoint).toBe('internal');
    const f = p!.findings.find((x) => x.code === 'traefik-entry-point-assumed');
    expect(f?.message).toContain('no port of traefik/traefik reaches entry point "internal"');
  });

  it('a TraefikService backend is not followed, and says so', () => {
    const paths = routePaths([route(['web'], false, [{ kind: 'Service', namespace: 'default', name: 'echo', port: 80 }, { kind: 'TraefikService', namespace: 'default', name: 'wrr', port: null }])]);
    expect(paths).toHaveLength(1);
    expect(paths[0]!.findings.map((f) => f.code)).toContain('ingressroute-service-not-followed');
  });

  it('no Traefik serving the route: unreachable, said as ingress-no-controller', () => {
    const [p] = routePaths([route(['web'], false)], false);
    expect(p!.verdict).toBe('unreachable');
    expect(p!.findings.map((f) => f.code)).toContain('ingress-no-controller');
  });
});
