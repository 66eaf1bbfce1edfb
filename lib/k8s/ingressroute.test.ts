// Traefik IngressRoutes into the inventory (docs/domain.md#s6.2.4, #src-S53): entry points, hosts of Host(`…`)
// matchers, backends with kind/namespace/port, TLS, and the Traefik controller serving the route.
import { describe, expect, it } from 'vitest';
import type { IngressControllerInfo } from '../types';
import { ingressMiddlewareRefs, matchHosts, normalizeAllowList, normalizeIngressRoute } from './ingressroute';
import type { TraefikIngressRoute, TraefikMiddleware } from './raw';

describe('hosts of a route rule (docs/domain.md#s6.2.4)', () => {
  it.each([
    ['Host(`a.example`)', ['a.example']],
    ['Host(`a.example`) && PathPrefix(`/api`)', ['a.example']],
    ['Host(`A.example`) || Host(`b.example`)', ['a.example', 'b.example']],
    ['Host(`a.example`, `b.example`)', ['a.example', 'b.example']],
    ['Host("quoted.example")', ['quoted.example']],
    ['HostRegexp(`^.+\\.example$`)', []],
    ['HostSNI(`*`)', []],
    ['PathPrefix(`/`)', []],
  ])('%s', (match, hosts) => {
    expect(matchHosts(match)).toEqual(hosts);
  });
});

const traefik = (id: string, classes: string[]): IngressControllerInfo => ({
  id,
  kind: 'traefik',
  namespace: 'kube-system',
  service: 'traefik',
  settings: { useForwardedHeaders: false, useProxyProtocol: false, computeFullForwardedFor: true, trustedCIDRs: [], origin: 'container args' },
  ingressClasses: classes,
  pods: [],
});
const nginx: IngressControllerInfo = { ...traefik('ingress-nginx/x/y', ['nginx']), kind: 'ingress-nginx' };
const A = traefik('traefik/kube-system/a', ['traefik']);
const B = traefik('traefik/other/b', ['traefik-internal']);

describe('normalizeIngressRoute (docs/domain.md#s6.2.4, #src-S53)', () => {
  it.each<[string, TraefikIngressRoute, IngressControllerInfo[], object]>([
    [
      'traefik.io route on websecure with a Service backend by number',
      {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'IngressRoute',
        metadata: { namespace: 'apps', name: 'r' },
        spec: { entryPoints: ['websecure'], routes: [{ match: 'Host(`a.example`)', services: [{ name: 'a', port: 8080 }] }], tls: {} },
      },
      [nginx, A],
      {
        group: 'traefik.io',
        entryPoints: ['websecure'],
        tls: true,
        routes: [{ hosts: ['a.example'], services: [{ kind: 'Service', namespace: 'apps', name: 'a', port: 8080 }] }],
        controller: { id: A.id },
      },
    ],
    [
      'traefik.containo.us (v2): no entry points, port by name, another namespace, a TraefikService',
      {
        apiVersion: 'traefik.containo.us/v1alpha1',
        kind: 'IngressRoute',
        metadata: { namespace: 'apps', name: 'r' },
        spec: { routes: [{ match: 'PathPrefix(`/`)', services: [{ name: 'b', namespace: 'shared', port: 'http' }, { name: 'wrr', kind: 'TraefikService' }] }] },
      },
      [A],
      {
        group: 'traefik.containo.us',
        entryPoints: [],
        tls: false,
        routes: [{ hosts: [], services: [{ kind: 'Service', namespace: 'shared', name: 'b', port: 'http' }, { kind: 'TraefikService', namespace: 'apps', name: 'wrr', port: null }] }],
      },
    ],
    [
      'ingressClassName picks the Traefik that serves that class',
      { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { namespace: 'apps', name: 'r' }, spec: { ingressClassName: 'traefik-internal', routes: [] } },
      [A, B],
      { controller: { id: B.id } },
    ],
    [
      'a class nobody serves: no controller',
      { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { namespace: 'apps', name: 'r' }, spec: { ingressClassName: 'nope', routes: [] } },
      [A],
      { controller: null },
    ],
    [
      'no Traefik at all: no controller, and a spec-less object is no crash',
      { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { namespace: 'apps', name: 'r' } },
      [nginx],
      { entryPoints: [], routes: [], tls: false, controller: null },
    ],
  ])('%s', (_label, route, controllers, expected) => {
    expect(normalizeIngressRoute(route, controllers)).toMatchObject(expected);
  });
});

describe('route middlewares and ipAllowList Middlewares (docs/domain.md#s6.2.5, #src-S54)', () => {
  it('keeps each route\'s middlewares, the namespace defaulting to the route\'s', () => {
    const route: TraefikIngressRoute = {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { namespace: 'apps', name: 'r' },
      spec: { routes: [{ match: 'Host(`a.example`)', services: [{ name: 'a', port: 80 }], middlewares: [{ name: 'office' }, { name: 'shared', namespace: 'infra' }, { name: '' }] }] },
    };
    expect(normalizeIngressRoute(route, [A]).routes[0]!.middlewares).toEqual([
      { namespace: 'apps', name: 'office' },
      { namespace: 'infra', name: 'shared' },
    ]);
  });

  const mw = (spec: TraefikMiddleware['spec']): TraefikMiddleware => ({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { namespace: 'apps', name: 'office' }, spec });
  it.each<[string, TraefikMiddleware, object | null]>([
    ['ipAllowList without strategy', mw({ ipAllowList: { sourceRange: ['203.0.113.0/24', ' '] } }), { field: 'ipAllowList', sourceRange: ['203.0.113.0/24'], depth: 0, excludedIPs: [] }],
    ['ipWhiteList (the older name) with depth', mw({ ipWhiteList: { sourceRange: ['10.0.0.0/8'], ipStrategy: { depth: 2 } } }), { field: 'ipWhiteList', depth: 2 }],
    ['excludedIPs', mw({ ipAllowList: { sourceRange: [], ipStrategy: { excludedIPs: ['192.0.2.0/24'] } } }), { depth: 0, excludedIPs: ['192.0.2.0/24'] }],
    ['a negative depth is no depth (Traefik ignores depth <= 0)', mw({ ipAllowList: { sourceRange: ['10.0.0.0/8'], ipStrategy: { depth: -1 } } }), { depth: 0 }],
    ['another middleware kind is not kept', mw({}), null],
  ])('%s', (_label, m, expected) => {
    const got = normalizeAllowList(m);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toMatchObject({ namespace: 'apps', name: 'office', ...expected });
  });

  it.each([
    [{ 'traefik.ingress.kubernetes.io/router.middlewares': 'apps-office@kubernetescrd, auth@file' }, ['apps-office@kubernetescrd', 'auth@file']],
    [{}, []],
    [undefined, []],
  ])('router.middlewares %j', (annotations, refs) => {
    expect(ingressMiddlewareRefs(annotations)).toEqual(refs);
  });
});
