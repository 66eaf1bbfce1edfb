import { describe, expect, it } from 'vitest';
import { HopscopeError } from '@/lib/errors';
import { LAB, ingressSetup, inventory, nginxSettings, port } from '@/test/support/lab-inventory';
import { applyWhatIf, formatWhatIf, parseWhatIf, parseWhatIfList, splitWhatIfList } from './whatif';

const NGINX = 'ingress-nginx/ingress-nginx/ingress-nginx-controller';

describe('parseWhatIf / formatWhatIf', () => {
  it.each([
    ['svc:default/web.externalTrafficPolicy=Local', { target: 'service', namespace: 'default', name: 'web', setting: 'externalTrafficPolicy', value: 'Local' }],
    ['svc:default/web.proxyProtocol=v2', { target: 'service', namespace: 'default', name: 'web', setting: 'proxyProtocol', value: 'v2' }],
    ['svc:default/web.xForwardedFor=true', { target: 'service', namespace: 'default', name: 'web', setting: 'xForwardedFor', value: true }],
    ['svc:default/web.ipMode=Proxy', { target: 'service', namespace: 'default', name: 'web', setting: 'ipMode', value: 'Proxy' }],
    [`controller:${NGINX}.useProxyProtocol=true`, { target: 'controller', id: NGINX, setting: 'useProxyProtocol', value: true }],
    [`controller:${NGINX}.trustedCIDRs=192.0.2.0/24,2001:db8::/32`, { target: 'controller', id: NGINX, setting: 'trustedCIDRs', value: ['192.0.2.0/24', '2001:db8::/32'] }],
    [`controller:${NGINX}.trustedCIDRs=none`, { target: 'controller', id: NGINX, setting: 'trustedCIDRs', value: [] }],
    ['cni.natOutgoing=false', { target: 'cni', setting: 'natOutgoing', value: false }],
  ])('%s', (text, parsed) => {
    expect(parseWhatIf(text)).toEqual(parsed);
    expect(formatWhatIf(parseWhatIf(text))).toBe(text);
  });

  it('accepts policy and ipMode values in any case, and writes them canonically', () => {
    expect(formatWhatIf(parseWhatIf('svc:a/b.externalTrafficPolicy=local'))).toBe('svc:a/b.externalTrafficPolicy=Local');
  });

  it.each([
    ['svc:default/web.externalTrafficPolicy', /missing "=<value>"/],
    ['svc:default.externalTrafficPolicy=Local', /svc:<namespace>\/<name>/],
    ['svc:default/web.colour=blue', /unknown Service setting/],
    ['svc:default/web.externalTrafficPolicy=Sometimes', /one of Cluster, Local/],
    [`controller:${NGINX}.useProxyProtocol=yes`, /true or false/],
    [`controller:${NGINX}.trustedCIDRs=192.0.2.0/33`, /not a CIDR: 192.0.2.0\/33/],
    ['node:wk-a.ready=false', /must start with svc:, controller: or be cni/],
  ])('rejects %s with a 400', (text, why) => {
    let error: unknown;
    try {
      parseWhatIf(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HopscopeError);
    expect((error as HopscopeError).status).toBe(400);
    expect((error as HopscopeError).message).toMatch(why);
  });
});

describe('splitWhatIfList', () => {
  it('splits only where a new target starts, so CIDR lists keep their commas', () => {
    const text = `controller:${NGINX}.trustedCIDRs=192.0.2.0/24,198.51.100.0/24, svc:default/web.externalTrafficPolicy=Local,cni.natOutgoing=false`;
    expect(splitWhatIfList(text)).toEqual([
      `controller:${NGINX}.trustedCIDRs=192.0.2.0/24,198.51.100.0/24`,
      'svc:default/web.externalTrafficPolicy=Local',
      'cni.natOutgoing=false',
    ]);
    expect(parseWhatIfList(text)).toHaveLength(3);
  });
});

describe('applyWhatIf', () => {
  const base = () =>
    inventory({
      loadBalancers: [{ provider: 'cloud', name: 'openstack', pools: [] }],
      ...ingressSetup({
        controllerService: { name: 'ingress-nginx-controller', type: 'LoadBalancer', lbAddress: LAB.vip, ports: [port(80, 30880)] },
        settings: nginxSettings(),
      }),
    });

  it('writes the provider\'s own annotation and the ipMode its cloud controller sets (cloud-provider-openstack#2587)', () => {
    const inv = base();
    const changed = applyWhatIf(inv, parseWhatIfList('svc:ingress-nginx/ingress-nginx-controller.proxyProtocol=v2'));
    const svc = changed.services.find((s) => s.name === 'ingress-nginx-controller')!;
    expect(svc.annotations['loadbalancer.openstack.org/proxy-protocol']).toBe('v2');
    expect(svc.loadBalancerIngress).toEqual([{ ip: LAB.vip, ipMode: 'Proxy' }]);
    const off = applyWhatIf(changed, parseWhatIfList('svc:ingress-nginx/ingress-nginx-controller.proxyProtocol=off'));
    expect(off.services.find((s) => s.name === 'ingress-nginx-controller')!.annotations).not.toHaveProperty('loadbalancer.openstack.org/proxy-protocol');
    expect(inv.services.find((s) => s.name === 'ingress-nginx-controller')!.annotations).toEqual({});
  });

  it('changes the controller everywhere it appears, without touching the input', () => {
    const inv = base();
    const changed = applyWhatIf(inv, parseWhatIfList(`controller:${NGINX}.useProxyProtocol=true`));
    expect(changed.ingressControllers[0]!.settings.useProxyProtocol).toBe(true);
    expect(changed.ingresses[0]!.controller!.settings.useProxyProtocol).toBe(true);
    expect(changed.ingressControllers[0]!.settings.origin).toBe('defaults + what-if');
    expect(inv.ingressControllers[0]!.settings.useProxyProtocol).toBe(false);
  });

  it('refuses a policy on a ClusterIP Service', () => {
    expect(() => applyWhatIf(base(), parseWhatIfList('svc:default/echo.externalTrafficPolicy=Local'))).toThrow(/ClusterIP Services have no externalTrafficPolicy/);
  });
});
