import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HopscopeError } from '@/lib/errors';
import type { ClusterInventory, Verdict } from '@/lib/types';
import { FINDING_CODES } from './findings';
import { PER_NODE_PATH_LIMIT, buildPaths } from '@/lib/model';
import {
  LAB,
  controller,
  controllerPod,
  endpoint,
  ingress,
  ingressSetup,
  inventory,
  nginxSettings,
  node,
  pod,
  port,
  service,
  traefikSettings,
} from '@/test/support/lab-inventory';
import type { ModelPath } from './types';
import { parseWhatIfList } from './whatif';

const OPENSTACK = [{ provider: 'cloud' as const, name: 'openstack', pools: [] }];
const NGINX_ID = 'ingress-nginx/ingress-nginx/ingress-nginx-controller';
const INGRESS_LB = (node: string) =>
  `ingress:default/echo:echo.example.test:echo@loadBalancer:ingress-nginx/ingress-nginx-controller:${LAB.vip}:80@${node}`;

function find(paths: ModelPath[], id: string): ModelPath {
  const path = paths.find((p) => p.id === id);
  if (!path) throw new Error(`no path ${id} among ${paths.map((p) => p.id).join(', ')}`);
  return path;
}

/** docs/sources.md#seed-000: ingress-nginx behind an OpenStack LB; `annotations` select the listener, `settings` the ConfigMap. */
function openstackNginx(annotations: Record<string, string>, settings = nginxSettings(), policy: 'Local' | 'Cluster' = 'Local'): ClusterInventory {
  return inventory({
    loadBalancers: OPENSTACK,
    ...ingressSetup({
      controllerService: { name: 'ingress-nginx-controller', type: 'LoadBalancer', lbAddress: LAB.vip, ports: [port(80, 30880)], policy, annotations },
      settings,
    }),
  });
}

/** docs/sources.md#seed-001: ingress-nginx behind a MetalLB L2 VIP announced by `announcingNode`. */
function metallbNginx(policy: 'Local' | 'Cluster', announcingNode = 'node1'): ClusterInventory {
  return inventory({
    loadBalancers: [{ provider: 'metallb', pools: [{ name: 'default', addresses: ['198.51.100.50-198.51.100.60'], mode: 'layer2' }] }],
    ...ingressSetup({
      controllerService: { name: 'ingress-nginx-controller', type: 'LoadBalancer', provider: 'metallb', lbAddress: LAB.vip, announcingNode, ports: [port(80, 31543)], policy },
      settings: nginxSettings(),
    }),
  });
}

describe('acceptance', () => {
  it('OpenStack PROXY annotation without use-proxy-protocol ⇒ broken, fix names use-proxy-protocol (docs/sources.md#seed-000, docs/lab.md#row-21)', () => {
    const path = find(buildPaths(openstackNginx({ 'loadbalancer.openstack.org/proxy-protocol': 'true' })), INGRESS_LB('node1'));
    expect(path.verdict).toBe('broken');
    expect(path.expectedOutcome).toBe('http-error');
    const fix = path.findings.find((f) => f.code === 'proxy-protocol-not-expected');
    expect(fix?.severity).toBe('error');
    expect(fix?.fix).toContain('use-proxy-protocol: "true"');
    expect(fix?.hopId).toBe('ingressController:ingress-nginx/ingress-controller-0');
  });

  it('use-forwarded-headers with the default proxy-real-ip-cidr ⇒ spoofable, fix names proxy-real-ip-cidr (docs/domain.md#s6.1)', () => {
    const inv = openstackNginx({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' }, nginxSettings({ useForwardedHeaders: true }));
    const path = find(buildPaths(inv), INGRESS_LB('node1'));
    expect(path.verdict).toBe('spoofable');
    const fix = path.findings.find((f) => f.code === 'forwarded-headers-trust-all');
    expect(fix?.fix).toContain('proxy-real-ip-cidr');
    expect(fix?.whatIf).toBe(`controller:${NGINX_ID}.trustedCIDRs=192.0.2.0/24`);
  });

  it('NodePort with Cluster ⇒ lost, fix names externalTrafficPolicy (Using Source IP §NodePort)', () => {
    const inv = inventory({ services: [service({ name: 'echo', type: 'NodePort', ports: [port(80, 30080)] })] });
    const path = find(buildPaths(inv), 'nodePort:default/echo:30080@node2');
    expect(path.verdict).toBe('lost');
    const fix = path.findings.find((f) => f.code === 'snat-cluster-policy');
    expect(fix?.fix).toContain('"externalTrafficPolicy":"Local"');
    expect(fix?.tradeOff).toContain('healthCheckNodePort');
    expect(fix?.whatIf).toBe('svc:default/echo.externalTrafficPolicy=Local');
  });

  it('ingress-nginx behind MetalLB L2 with Local on the announcing node ⇒ header at the app, preserved at the controller (docs/sources.md#seed-001)', () => {
    const path = find(buildPaths(metallbNginx('Local')), INGRESS_LB('node1'));
    expect(path.verdict).toBe('header');
    expect(path.hops.map((h) => h.kind)).toEqual(['client', 'loadBalancer', 'node', 'ingressController', 'service', 'pod']);
    const controllerHop = path.hops.find((h) => h.kind === 'ingressController')!;
    expect(controllerHop).toMatchObject({ expectedPeer: 'client', clientAddressVia: 'source', believedClientRole: 'client' });
    expect(controllerHop.arrival?.verdict).toBe('preserved');
    expect(path.appClient).toEqual({ via: 'x-real-ip', role: 'client', value: 'client' });
    expect(path.hops.at(-1)).toMatchObject({ kind: 'pod', expectedPeer: LAB.ingressPod, expectedPeerRole: 'ingressController' });
  });
});

describe('path ids', () => {
  const inv = (): ClusterInventory => {
    const base = metallbNginx('Local');
    return {
      ...base,
      services: [...base.services, service({ name: 'web', type: 'NodePort', clusterIP: '10.96.0.30', ports: [port(80, 30100), port(443, 30101, 'https')] })],
      pods: [...base.pods, pod('default', 'influxdb', '10.244.2.30', 'node2', { hostPorts: [{ containerName: 'i', containerPort: 8086, hostPort: 8086, protocol: 'TCP' }] })],
    };
  };

  it('are unique, sorted and the same across calls', () => {
    const ids = buildPaths(inv()).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(buildPaths(inv())).toEqual(buildPaths(inv()));
  });

  it('do not depend on the order of the inventory lists', () => {
    const reference = buildPaths(inv());
    const shuffled = <T>(xs: T[]) => fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length });
    const base = inv();
    fc.assert(
      fc.property(shuffled(base.services), shuffled(base.nodes), shuffled(base.pods), (services, nodes, pods) => {
        expect(buildPaths({ ...base, services, nodes, pods })).toEqual(reference);
      }),
      { numRuns: 25 },
    );
  });
});

describe('what-if previews', () => {
  const verdictOf = (inv: ClusterInventory, id: string, whatIf = '') =>
    find(buildPaths(inv, whatIf ? parseWhatIfList(whatIf) : []), id).verdict;

  it.each<[string, () => ClusterInventory, string, string, Verdict, Verdict]>([
    ['Local keeps the client on a NodePort', () => inventory({ services: [service({ name: 'echo', type: 'NodePort', ports: [port(80, 30080)] })] }), 'nodePort:default/echo:30080@node1', 'svc:default/echo.externalTrafficPolicy=Local', 'lost', 'preserved'],
    ['use-proxy-protocol fixes the PROXY mismatch', () => openstackNginx({ 'loadbalancer.openstack.org/proxy-protocol': 'v2' }), INGRESS_LB('node1'), `controller:${NGINX_ID}.useProxyProtocol=true`, 'broken', 'header'],
    ['trusting only the node range closes the spoofing hole', () => openstackNginx({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' }, nginxSettings({ useForwardedHeaders: true })), INGRESS_LB('node1'), `controller:${NGINX_ID}.trustedCIDRs=192.0.2.0/24`, 'spoofable', 'header'],
    ['PROXY on both ends recovers the client behind a TCP proxy LB', () => openstackNginx({}), INGRESS_LB('node1'), `svc:ingress-nginx/ingress-nginx-controller.proxyProtocol=v2,controller:${NGINX_ID}.useProxyProtocol=true`, 'lost', 'header'],
    ['Local behind the LB fixes the trusted-proxy mismatch (docs/lab.md#row-22 → #row-19)', () => openstackNginx({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' }, nginxSettings({ useForwardedHeaders: true, trustedCIDRs: [`${LAB.lbInside}/32`] }), 'Cluster'), INGRESS_LB('node1'), 'svc:ingress-nginx/ingress-nginx-controller.externalTrafficPolicy=Local', 'lost', 'header'],
    ['turning forwarded headers off makes trust-all harmless behind a pass-through LB', () => { const i = metallbNginx('Local'); return { ...i, ingressControllers: i.ingressControllers.map((c) => ({ ...c, settings: { ...c.settings, useForwardedHeaders: true } })), ingresses: i.ingresses.map((g) => ({ ...g, controller: { ...g.controller!, settings: { ...g.controller!.settings, useForwardedHeaders: true } } })) }; }, INGRESS_LB('node1'), `controller:${NGINX_ID}.useForwardedHeaders=false`, 'spoofable', 'header'],
    ['natOutgoing off lets outside hosts see pod addresses', () => inventory(), 'egress:cluster', 'cni.natOutgoing=false', 'lost', 'preserved'],
  ])('%s', (_name, setup, id, whatIf, before, after) => {
    const inv = setup();
    expect(verdictOf(inv, id)).toBe(before);
    expect(verdictOf(inv, id, whatIf)).toBe(after);
    expect(verdictOf(inv, id)).toBe(before);
  });

  it('every finding\'s own what-if changes the verdict of its path', () => {
    const setups = [
      openstackNginx({ 'loadbalancer.openstack.org/proxy-protocol': 'true' }),
      openstackNginx({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' }, nginxSettings({ useForwardedHeaders: true })),
      openstackNginx({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' }, nginxSettings({ useForwardedHeaders: true, trustedCIDRs: [`${LAB.lbInside}/32`] }), 'Cluster'),
      openstackNginx({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' }),
      openstackNginx({}),
      metallbNginx('Cluster'),
    ];
    let checked = 0;
    for (const inv of setups) {
      for (const path of buildPaths(inv)) {
        for (const f of path.findings.filter((x) => x.whatIf && x.severity !== 'info')) {
          const preview = buildPaths(inv, parseWhatIfList(f.whatIf!)).find((p) => p.id === path.id);
          expect(preview?.verdict, `${path.id}: ${f.code} → ${f.whatIf}`).not.toBe(path.verdict);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('refuses what-ifs that name nothing in the cluster or a setting the provider lacks (400)', () => {
    const inv = metallbNginx('Local');
    expect(() => buildPaths(inv, parseWhatIfList('svc:default/nope.externalTrafficPolicy=Local'))).toThrow(HopscopeError);
    expect(() => buildPaths(inv, parseWhatIfList('svc:ingress-nginx/ingress-nginx-controller.proxyProtocol=v2'))).toThrow(/MetalLB cannot send PROXY/);
    expect(() => buildPaths(inv, parseWhatIfList('controller:traefik/x/y.useProxyProtocol=true'))).toThrow(/no ingress controller/);
  });
});

describe('the articles in docs/sources.md', () => {
  it('docs/sources.md#seed-000: the article\'s "x-forward-for" annotation is misspelled, so the TCP listener hides the client', () => {
    const path = find(buildPaths(openstackNginx({ 'loadbalancer.openstack.org/x-forward-for': 'true' })), INGRESS_LB('node1'));
    expect(path.verdict).toBe('lost');
    expect(path.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['proxy-lb-hides-client', 'lb-annotation-misspelled']));
  });

  it('docs/sources.md#seed-000: x-forwarded-for without use-forwarded-headers ⇒ nginx overwrites XFF with the LB', () => {
    const path = find(buildPaths(openstackNginx({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' })), INGRESS_LB('node1'));
    expect(path.verdict).toBe('lost');
    expect(path.hops.at(-1)?.arrival?.xRealIp?.role).toBe('loadBalancer');
    expect(path.findings.find((f) => f.code === 'xff-ignored-by-controller')?.fix).toContain('use-forwarded-headers: "true"');
  });

  it('docs/sources.md#seed-000: PROXY on both ends works from outside, but in-cluster clients of the VIP break (cert-manager HTTP-01)', () => {
    const inv = openstackNginx({ 'loadbalancer.openstack.org/proxy-protocol': 'true' }, nginxSettings({ useProxyProtocol: true }));
    const path = find(buildPaths(inv), INGRESS_LB('node1'));
    expect(path.verdict).toBe('header');
    expect(path.inCluster).toMatchObject({ vantage: 'in-cluster', verdict: 'broken', expectedOutcome: 'empty-reply' });
    expect(path.inCluster?.note).toContain('no PROXY preamble');
    expect(path.inCluster?.note).toContain('PROXY-expecting controllers will reject pods that call it');
    const shortCircuit = path.findings.find((f) => f.code === 'in-cluster-proxy-protocol-short-circuit');
    expect(shortCircuit?.message).toContain('cert-manager');
    expect(shortCircuit?.fix).toContain('enable-ingress-hostname');
    expect(shortCircuit?.whatIf).toBe('svc:ingress-nginx/ingress-nginx-controller.ipMode=Proxy');
    // The cloud controller publishes ipMode Proxy with PROXY on (cloud-provider-openstack#2587): no short-circuit.
    const proxied = find(buildPaths(inv, parseWhatIfList(shortCircuit!.whatIf!)), INGRESS_LB('node1'));
    expect(proxied.inCluster?.note).toMatch(/ipMode Proxy: a pod's request really goes to the load balancer/);
    expect(proxied.inCluster?.verdict).not.toBe('broken');
    expect(proxied.findings.map((f) => f.code)).not.toContain('in-cluster-proxy-protocol-short-circuit');
  });

  it('docs/sources.md#seed-001: MetalLB L2 + ingress-nginx with the chart default Cluster policy ⇒ X-Real-IP is the announcing node', () => {
    const path = find(buildPaths(metallbNginx('Cluster', 'node2')), INGRESS_LB('node2'));
    expect(path.verdict).toBe('lost');
    expect(path.hops.find((h) => h.kind === 'ingressController')?.expectedPeer).toBe(LAB.node2);
    expect(path.hops.at(-1)?.arrival?.xRealIp).toEqual({ role: 'node', address: LAB.node2 });
    expect(path.findings.map((f) => f.code)).toContain('snat-cluster-policy');
  });

  it('docs/sources.md#seed-001: a MetalLB L2 VIP enters only through its announcing node', () => {
    const ids = buildPaths(metallbNginx('Local', 'node1')).filter((p) => p.entry.kind === 'loadBalancer').map((p) => p.id);
    expect(ids).toEqual([`loadBalancer:ingress-nginx/ingress-nginx-controller:${LAB.vip}:80@node1`]);
  });

  it('docs/sources.md#seed-001: hostNetwork and hostPort pods see the client directly', () => {
    const inv = inventory({
      pods: [
        pod('default', 'influxdb', LAB.node1, 'node1', { hostNetwork: true, hostPorts: [{ containerName: 'influxdb', containerPort: 8086, hostPort: 8086, protocol: 'TCP' }] }),
      ],
    });
    const path = find(buildPaths(inv), 'hostNetwork:default/influxdb:8086');
    expect(path.entry).toMatchObject({ kind: 'hostNetwork', address: LAB.node1, port: 8086 });
    expect(path.verdict).toBe('preserved');
  });

  it('docs/sources.md#seed-002: with Local, a cloud LB health check leaves nodes without endpoints out', () => {
    const inv = inventory({
      loadBalancers: [{ provider: 'cloud', name: 'gce', pools: [] }],
      services: [service({ name: 'echo', type: 'LoadBalancer', lbAddress: LAB.vip, policy: 'Local', ports: [port(80, 30081)] })],
    });
    const lbPaths = buildPaths(inv).filter((p) => p.entry.kind === 'loadBalancer');
    expect(lbPaths.map((p) => [p.id, p.verdict])).toEqual([[`loadBalancer:default/echo:${LAB.vip}:80@node1`, 'preserved']]);
    expect(lbPaths[0]!.findings.find((f) => f.code === 'lb-skips-nodes-without-endpoints')?.message).toContain('node2');
  });

  it('docs/sources.md#seed-002: nodes labelled exclude-from-external-load-balancers get no LB path', () => {
    const inv = inventory({
      nodes: [node('node1', LAB.node1), node('node2', LAB.node2, { excludeFromExternalLB: true })],
      loadBalancers: [{ provider: 'cloud', name: 'gce', pools: [] }],
      services: [service({ name: 'echo', type: 'LoadBalancer', lbAddress: LAB.vip, ports: [port(80, 30080)] })],
    });
    const nodes = buildPaths(inv).filter((p) => p.entry.kind === 'loadBalancer').map((p) => p.id.split('@')[1]);
    expect(nodes).toEqual(['node1']);
  });

  describe('docs/sources.md#seed-003 and docs/domain.md#s5: k3s ServiceLB + Traefik', () => {
    const svclb = pod('kube-system', 'svclb-traefik-1a2b3c4d-abcde', '10.244.1.2', 'node1', {
      roles: ['svclb'],
      labels: { 'svccontroller.k3s.cattle.io/svcname': 'traefik', 'svccontroller.k3s.cattle.io/svcnamespace': 'kube-system' },
    });
    const k3s = (lbAddress: string, policy: 'Cluster' | 'Local', nodeExternalIP: string | null = null) => {
      const setup = ingressSetup({
        kind: 'traefik',
        controllerService: { name: 'traefik', type: 'LoadBalancer', provider: 'servicelb', lbAddress, policy, announcingNodes: ['node1', 'node2'], ports: [port(80, 30900)] },
        settings: traefikSettings(),
      });
      const inv = inventory({ ...setup, pods: [...setup.pods, svclb] });
      return { ...inv, nodes: inv.nodes.map((n) => (n.name === 'node1' ? { ...n, externalIP: nodeExternalIP } : n)) };
    };
    const ingressPaths = (inv: ClusterInventory) => buildPaths(inv).filter((p) => p.id.startsWith('ingress:default/echo:'));

    it('an address that is a node InternalIP enters at that node only, and kube-proxy takes it: Cluster masquerades to the node', () => {
      const [path, ...others] = ingressPaths(k3s(LAB.node1, 'Cluster'));
      expect(others).toEqual([]);
      expect(path!.id).toBe(`ingress:default/echo:echo.example.test:echo@loadBalancer:kube-system/traefik:${LAB.node1}:80@node1`);
      expect(path!.verdict).toBe('lost');
      expect(path!.hops.find((h) => h.kind === 'ingressController')?.expectedPeer).toBe(LAB.node1);
      expect(path!.findings.map((f) => f.code)).toContain('snat-cluster-policy');
      expect(path!.findings.map((f) => f.code)).not.toContain('servicelb-masquerade');
    });

    it('with Local the client reaches Traefik, which writes it into X-Forwarded-For: header', () => {
      const [path] = ingressPaths(k3s(LAB.node1, 'Local'));
      expect(path!.verdict).toBe('header');
      expect(path!.hops.find((h) => h.kind === 'ingressController')?.expectedPeer).toBe('client');
    });

    it('a NAT\'d node ExternalIP goes through the svclb pod, which masquerades whatever the policy, and the assumption is said', () => {
      const [path] = ingressPaths(k3s('203.0.113.31', 'Local', '203.0.113.31'));
      expect(path!.id).toMatch(/@node1$/);
      expect(path!.verdict).toBe('lost');
      expect(path!.hops.find((h) => h.kind === 'ingressController')?.expectedPeer).toBe('10.244.1.2');
      expect(path!.hops.at(-1)?.arrival?.xRealIp).toEqual({ role: 'svclb', address: '10.244.1.2' });
      expect(path!.hops.at(-1)?.forgedArrival?.xForwardedFor.map((a) => a.role)).toEqual(['svclb']);
      const finding = path!.findings.find((f) => f.code === 'servicelb-masquerade');
      expect(finding?.message).toContain("taken to be NAT'd");
      expect(finding?.message).toContain('Assumed: if the address is on the node');
    });
  });

  it.each<[string, boolean, string[], Verdict, string | null]>([
    ['traefik with forwardedHeaders.insecure believes any client header', true, [], 'spoofable', 'forwarded-headers-trust-all'],
    // Trusted peers keep their X-Real-Ip, and the LB's HTTP listener only appends X-Forwarded-For.
    ['traefik trusting the LB range keeps a client-sent X-Real-Ip', false, ['192.0.2.0/24'], 'spoofable', 'forged-header-passed'],
    ['traefik trusting nobody replaces XFF with the LB', false, [], 'lost', null],
  ])('docs/domain.md#s6.2: %s', (_name, insecure, trustedIPs, verdict, code) => {
    const setup = ingressSetup({
      kind: 'traefik',
      controllerService: { name: 'traefik', type: 'LoadBalancer', lbAddress: LAB.vip, policy: 'Local', ports: [port(80, 30900)], annotations: { 'loadbalancer.openstack.org/x-forwarded-for': 'true' } },
      settings: traefikSettings({ forwardedHeadersInsecure: insecure, trustedCIDRs: trustedIPs, useForwardedHeaders: insecure || trustedIPs.length > 0 }),
    });
    const path = find(buildPaths(inventory({ ...setup, loadBalancers: OPENSTACK })), `ingress:default/echo:echo.example.test:echo@loadBalancer:kube-system/traefik:${LAB.vip}:80@node1`);
    expect(path.verdict).toBe(verdict);
    if (code) expect(path.findings.map((f) => f.code)).toContain(code);
    if (trustedIPs.length > 0) expect(path.hops.at(-1)?.arrival?.xForwardedFor.map((a) => a.role)).toEqual(['client', 'loadBalancer']);
  });

  it.each<[string, Record<string, unknown> | null, boolean | null, Verdict, string]>([
    ['without a sidecar the outside host sees the node', null, true, 'lost', 'egress-snat'],
    ['a transparent proxy sidecar writes X-Forwarded-For with the pod IP', { container: 'nginx-tranproxy', image: 'lijiaocn/nginx-tranproxy:0.1', injectsHeaders: ['X-Forwarded-For', 'X-Client-Hostname'] }, true, 'header', 'egress-proxy-header'],
  ])('docs/sources.md#seed-004: %s', (_name, egressProxy, natOutgoing, verdict, code) => {
    const tail = pod('default', 'tail', '10.244.2.40', 'node2', { egressProxy: egressProxy as never });
    const inv = inventory({ pods: [tail], cni: { name: 'calico', natOutgoing } });
    const path = find(buildPaths(inv), egressProxy ? 'egress:default/tail' : 'egress:cluster');
    expect(path.verdict).toBe(verdict);
    expect(path.findings.map((f) => f.code)).toContain(code);
    if (egressProxy) expect(path.hops.map((h) => h.kind)).toEqual(['pod', 'egressProxy', 'node', 'external']);
  });
});

describe('providers and edge cases', () => {
  it.each<[string, Record<string, string>, string, string]>([
    ['NLB instance targets pass the client through', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' }, 'preserved', `@node1`],
    ['LB Controller ip targets hide the client by default', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' }, 'lost', ''],
    ['ip targets with preserve_client_ip keep it', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip', 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true' }, 'preserved', ''],
    ['a Classic LB proxies', {}, 'lost', '@node1'],
    // LBC v2.1 "NLB IP mode": aws-load-balancer-type: nlb-ip, still accepted for backward compatibility.
    ['the legacy nlb-ip type is an NLB with ip targets: the client is hidden by default', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb-ip' }, 'lost', ''],
    ['nlb-ip with preserve_client_ip keeps it', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb-ip', 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true' }, 'preserved', ''],
    // The in-tree controller reads no LBC-only annotation: instance targets whatever nlb-target-type says.
    ['in-tree nlb ignores nlb-target-type: ip', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' }, 'preserved', '@node1'],
  ])('AWS (docs/domain.md#s7): %s', (_name, annotations, verdict, suffix) => {
    const inv = inventory({
      loadBalancers: [{ provider: 'cloud', name: 'aws', pools: [] }],
      services: [service({ name: 'echo', type: 'LoadBalancer', lbAddress: LAB.vip, policy: 'Local', ports: [port(80, 30081)], annotations })],
    });
    expect(find(buildPaths(inv), `loadBalancer:default/echo:${LAB.vip}:80${suffix}`).verdict).toBe(verdict);
  });

  it('a MetalLB address from a pool without advertisement is unreachable (docs/domain.md#s4)', () => {
    const svc = { ...service({ name: 'echo', type: 'LoadBalancer', provider: 'metallb', lbAddress: LAB.vip, ports: [port(80, 30080)] }), loadBalancerPool: 'quiet' };
    const inv = inventory({ loadBalancers: [{ provider: 'metallb', pools: [{ name: 'quiet', addresses: ['198.51.100.50/32'], mode: 'none' }] }], services: [svc] });
    const path = find(buildPaths(inv), `loadBalancer:default/echo:${LAB.vip}:80`);
    expect(path).toMatchObject({ verdict: 'unreachable', expectedOutcome: 'timeout' });
    expect(path.findings.find((f) => f.code === 'lb-address-not-announced')?.fix).toContain('kind: L2Advertisement');
  });

  it('an Ingress no controller serves is unreachable', () => {
    const inv = inventory({ services: [service({ name: 'echo' })], ingresses: [ingress({ name: 'orphan', host: 'orphan.example.test', backend: 'echo', controller: null })] });
    const path = find(buildPaths(inv), 'ingress:default/orphan:orphan.example.test');
    expect(path.verdict).toBe('unreachable');
    expect(path.findings.map((f) => f.code)).toContain('ingress-no-controller');
  });

  it('a backend without ready endpoints is unreachable behind the controller (503)', () => {
    const setup = metallbNginx('Local');
    const inv = { ...setup, services: setup.services.map((s) => (s.name === 'echo' ? { ...s, endpoints: [endpoint(LAB.echoPod, 'node1', false)] } : s)) };
    const path = find(buildPaths(inv), INGRESS_LB('node1'));
    expect(path).toMatchObject({ verdict: 'unreachable', expectedOutcome: 'http-error' });
    expect(path.findings.map((f) => f.code)).toContain('no-ready-endpoints');
  });

  it('a hostNetwork ingress controller DaemonSet is reached on node addresses (docs/sources.md#seed-001)', () => {
    const ctrlPod = controllerPod('ingress-nginx', { ip: LAB.node1, hostNetwork: true, hostPorts: [{ containerName: 'controller', containerPort: 80, hostPort: 80, protocol: 'TCP' }] });
    const ctrl = controller({ service: null, settings: nginxSettings(), pods: [ctrlPod] });
    const inv = inventory({
      pods: [ctrlPod],
      services: [service({ name: 'echo' })],
      ingressControllers: [ctrl],
      ingresses: [ingress({ name: 'echo', host: 'echo.example.test', backend: 'echo', controller: ctrl })],
    });
    const path = find(buildPaths(inv), 'ingress:default/echo:echo.example.test:echo@hostNetwork:ingress-nginx/ingress-controller-0:80');
    expect(path.verdict).toBe('header');
    expect(path.hops.find((h) => h.kind === 'ingressController')?.expectedPeer).toBe('client');
  });

  it('groups alike nodes into one path above PER_NODE_PATH_LIMIT nodes (large clusters)', () => {
    const nodes = Array.from({ length: PER_NODE_PATH_LIMIT + 4 }, (_, i) => node(`n${String(i).padStart(2, '0')}`, `192.0.2.${20 + i}`));
    const local = service({ name: 'echo', type: 'NodePort', policy: 'Local', ports: [port(80, 30081)], endpoints: [endpoint(LAB.echoPod, 'n03')] });
    const paths = buildPaths(inventory({ nodes, services: [local] })).filter((p) => p.entry.kind === 'nodePort');
    expect(paths.map((p) => [p.id, p.verdict])).toEqual([
      ['nodePort:default/echo:30081@n00', 'unreachable'],
      ['nodePort:default/echo:30081@n03', 'preserved'],
    ]);
    expect(paths[0]!.hops[1]!.details['same for']).toBe('10 more nodes: n01, n02, n04, n05, n06, …');
  });

  it('documents every finding code it emits', () => {
    const all = [
      openstackNginx({ 'loadbalancer.openstack.org/proxy-protocol': 'true' }),
      openstackNginx({ 'loadbalancer.openstack.org/x-forward-for': 'true' }, nginxSettings({ useForwardedHeaders: true })),
      metallbNginx('Cluster'),
    ].flatMap((inv) => buildPaths(inv).flatMap((p) => p.findings));
    for (const f of all) {
      expect(Object.keys(FINDING_CODES)).toContain(f.code);
      expect(f.severity).toBe(f.code === 'proxy-protocol-not-sent' ? f.severity : FINDING_CODES[f.code as keyof typeof FINDING_CODES].severity);
    }
  });
});
