// Traefik's client-IP settings are per entry point (docs/domain.md#s6.2.1, #src-S50): a path through the controller
// applies the settings of the entry point its Service port reaches — Service port → targetPort → container port → the
// entry point listening there (docs/domain.md#s6.2.2, #src-S51) — and says so when it had to assume one.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { EntryPointSettings, IngressControllerSettings, ServicePortInfo } from '@/lib/types';
import { LAB, controller, controllerPod, echoPod, endpoint, ingress, inventory, service } from '@/test/support/lab-inventory';
import { entryPointOfServicePort } from './traefik-entrypoints';
import type { WhatIf } from './types';

const ep = (name: string, address: string | null, overrides: Partial<EntryPointSettings> = {}): EntryPointSettings => ({
  name,
  address,
  port: address ? Number(address.split('/')[0]!.split(':').pop()) : null,
  forwardedHeadersTrustedIPs: [],
  forwardedHeadersInsecure: false,
  proxyProtocolTrustedIPs: [],
  proxyProtocolInsecure: false,
  ...overrides,
});

function settings(points: EntryPointSettings[], extra: Partial<IngressControllerSettings> = {}): IngressControllerSettings {
  const web = points.find((p) => p.name === 'web') ?? points[0];
  return {
    useForwardedHeaders: false,
    useProxyProtocol: (web?.proxyProtocolTrustedIPs.length ?? 0) > 0,
    computeFullForwardedFor: true,
    trustedCIDRs: web?.forwardedHeadersTrustedIPs ?? [],
    proxyProtocolTrustedCIDRs: web?.proxyProtocolTrustedIPs ?? [],
    entryPoint: web?.name ?? 'web',
    entryPoints: points,
    staticFile: null,
    origin: 'container args',
    ...extra,
  };
}

const svcPort = (name: string, port: number, targetPort: number | string): ServicePortInfo => ({ name, port, nodePort: null, targetPort, protocol: 'TCP' });
const CHART_PORTS = [svcPort('web', 80, 'web'), svcPort('websecure', 443, 'websecure')];
const CONTAINER_PORTS = [
  { name: 'web', containerPort: 8000, protocol: 'TCP' },
  { name: 'websecure', containerPort: 8443, protocol: 'TCP' },
];
// An Octavia LB that sends PROXY v2 on every port (docs/domain.md#s7).
const PROXY_LB = { 'loadbalancer.openstack.org/proxy-protocol': 'v2' };

function traefikPaths(s: IngressControllerSettings, ports = CHART_PORTS, annotations: Record<string, string> = PROXY_LB, whatIf: WhatIf[] = []) {
  const ctrlPod = controllerPod('traefik');
  const ctrl = { ...controller({ kind: 'traefik', namespace: 'traefik', name: 'traefik', service: 'traefik', settings: s, pods: [ctrlPod], classes: ['traefik'] }), containerPorts: CONTAINER_PORTS };
  const ctrlSvc = service({
    namespace: 'traefik',
    name: 'traefik',
    type: 'LoadBalancer',
    lbAddress: LAB.vip,
    policy: 'Local',
    clusterIP: '10.96.0.20',
    ports,
    endpoints: [endpoint(LAB.ingressPod, 'node1')],
    annotations,
  });
  const echo = service({ name: 'echo', clusterIP: '10.96.0.10' });
  return buildPaths(
    inventory({
      services: [ctrlSvc, echo],
      ingresses: [
        ingress({ name: 'plain', host: 'plain.example.test', backend: 'echo', controller: ctrl }),
        ingress({ name: 'secure', host: 'secure.example.test', backend: 'echo', controller: ctrl, tls: true }),
      ],
      ingressControllers: [ctrl],
      pods: [echoPod(), ctrlPod],
      loadBalancers: [{ provider: 'cloud', name: 'openstack', pools: [] }],
    }),
    whatIf,
  );
}

const pathOf = (paths: ReturnType<typeof traefikPaths>, prefix: string) => {
  const found = paths.filter((p) => p.id.startsWith(prefix));
  expect(found.length, prefix).toBeGreaterThan(0);
  return found[0]!;
};
const controllerHop = (p: ReturnType<typeof pathOf>) => p.hops.find((h) => h.kind === 'ingressController')!;

describe("web's PROXY trust is web's alone (docs/domain.md#s6.2.1, #s6.2.2)", () => {
  const webTrusts = settings([ep('web', ':8000/tcp', { proxyProtocolTrustedIPs: ['0.0.0.0/0'] }), ep('websecure', ':8443/tcp')]);
  const bothTrust = settings([ep('web', ':8000/tcp', { proxyProtocolTrustedIPs: ['0.0.0.0/0'] }), ep('websecure', ':8443/tcp', { proxyProtocolTrustedIPs: ['0.0.0.0/0'] })]);

  it.each([
    ['web trusts PROXY: the port-80 Ingress path reaches web and reads the preamble', webTrusts, 'ingress:default/plain:', 'web', 'header', null],
    ['…and the TLS Ingress path reaches websecure, which does not expect PROXY', webTrusts, 'ingress:default/secure:', 'websecure', 'broken', 'proxy-protocol-not-expected'],
    ['the LB port 443 itself, same entry point', webTrusts, 'loadBalancer:traefik/traefik:198.51.100.50:443', 'websecure', 'broken', 'proxy-protocol-not-expected'],
    ['websecure configured too: both work', bothTrust, 'ingress:default/secure:', 'websecure', 'header', null],
  ])('%s', (_label, s, prefix, entryPoint, verdict, code) => {
    const p = pathOf(traefikPaths(s), prefix);
    expect(controllerHop(p).details.entryPoint).toBe(entryPoint);
    expect(p.verdict).toBe(verdict);
    if (code) expect(p.findings.map((f) => f.code)).toContain(code);
  });

  it.each<[string, WhatIf, string]>([
    ['a what-if on the controller applies to each entry point: websecure then reads PROXY too', { target: 'controller', id: 'traefik/traefik/traefik', setting: 'proxyProtocolTrustedCIDRs', value: ['0.0.0.0/0'] }, 'header'],
    ['switching PROXY off switches it off on web too', { target: 'controller', id: 'traefik/traefik/traefik', setting: 'useProxyProtocol', value: false }, 'broken'],
  ])('%s', (_label, whatIf, verdict) => {
    const paths = traefikPaths(webTrusts, CHART_PORTS, PROXY_LB, [whatIf]);
    expect(pathOf(paths, 'ingress:default/secure:').verdict).toBe(verdict);
    expect(pathOf(paths, 'ingress:default/plain:').verdict).toBe(verdict);
  });

  it('the fix names the entry point the path reaches', () => {
    const p = pathOf(traefikPaths(webTrusts), 'ingress:default/secure:');
    const fixes = p.findings.map((f) => f.fix ?? '').join('\n');
    expect(fixes).toContain('--entryPoints.websecure.proxyProtocol.trustedIPs=');
    expect(fixes).not.toContain('--entryPoints.web.proxyProtocol');
  });
});

describe('Service port → targetPort → container port → entry point (docs/domain.md#s6.2.2, #src-S51)', () => {
  const s = settings([ep('web', ':8000/tcp'), ep('websecure', ':8443/tcp'), ep('metrics', ':9100/tcp')]);
  const ctrl = { ...controller({ kind: 'traefik', namespace: 'traefik', name: 'traefik', service: 'traefik', settings: s }), containerPorts: CONTAINER_PORTS };
  const svc = service({ namespace: 'traefik', name: 'traefik' });

  it.each([
    ['targetPort by name (the chart)', svcPort('websecure', 443, 'websecure'), 'websecure', false],
    ['targetPort by number', svcPort('https', 443, 8443), 'websecure', false],
    ['a port named otherwise, number matches', svcPort('metrics', 9100, 9100), 'metrics', false],
    ['targetPort number no entry point listens on: the container port name is assumed', svcPort('web', 80, 8080), 'web', true],
    ['targetPort name no container port has: the default entry point is assumed', svcPort('x', 80, 'nosuch'), 'web', true],
  ])('%s', (_label, port, expected, assumed) => {
    const choice = entryPointOfServicePort(ctrl, svc, port);
    expect(choice.entryPoint).toBe(expected);
    expect(choice.controller.settings.entryPoint).toBe(expected);
    expect(choice.assumption !== null).toBe(assumed);
  });
});

describe('assumptions are findings (docs/domain.md#s6.2.2, #s6.2.3, #src-S52)', () => {
  it.each([
    [
      'no entry point on the container port',
      settings([ep('web', ':9999/tcp'), ep('websecure', ':8443/tcp')]),
      'ingress:default/plain:',
      'traefik-entry-point-assumed',
      'no entry point listens on container port 8000',
    ],
    [
      'a static file replaces flags and env',
      settings([], { staticFile: '/etc/traefik/traefik.yml', origin: 'defaults (static file /etc/traefik/traefik.yml not read)' }),
      'ingress:default/plain:',
      'traefik-static-file-unread',
      'rests on the assumption',
    ],
  ])('%s', (_label, s, prefix, code, text) => {
    const p = pathOf(traefikPaths(s, CHART_PORTS, {}), prefix);
    const f = p.findings.find((x) => x.code === code);
    expect(f, code).toBeDefined();
    expect(f!.message).toContain(text);
    expect(f!.hopId).toMatch(/^ingressController:/);
  });

  it('a matched entry point adds no assumption', () => {
    const paths = traefikPaths(settings([ep('web', ':8000/tcp'), ep('websecure', ':8443/tcp')]), CHART_PORTS, {});
    const codes = paths.flatMap((p) => p.findings.map((f) => f.code));
    expect(codes).not.toContain('traefik-entry-point-assumed');
    expect(codes).not.toContain('traefik-static-file-unread');
  });
});
