import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureApiServer, type FixtureApiServer } from '@/test/fixture-apiserver/server';
import { HopscopeError } from '../errors';
import type { ClusterInventory, ServiceInfo } from '../types';
import { getInventory, listContexts } from './inventory';
import { generateLargeScenario } from '../demo/large';
import { normalizeInventory } from './normalize';
import { rawObjectsFromManifest } from './raw';

// Live discovery through the real @kubernetes/client-node against the fixture API server over HTTPS,
// with a generated kubeconfig; every demo scenario file is also discovered live and must match demo mode.

const scenarios = path.join(import.meta.dirname, '..', '..', 'scenarios');
const scenarioFile = (id: string) => path.join(scenarios, `${id}.yaml`);
const TIMEOUT_MS = 5_000;

async function discoverLive(server: FixtureApiServer, extra: { timeoutMs?: number; kubeconfigPath?: string } = {}) {
  return getInventory({
    kubeconfigPath: extra.kubeconfigPath ?? server.kubeconfigPath,
    inCluster: false,
    forceDemo: false,
    timeoutMs: extra.timeoutMs ?? TIMEOUT_MS,
  });
}

const service = (inv: ClusterInventory, ns: string, name: string): ServiceInfo => {
  const found = inv.services.find((s) => s.namespace === ns && s.name === name);
  if (!found) throw new Error(`service ${ns}/${name} not discovered`);
  return found;
};

/** Server-assigned fields (uid) and timing differ between a live read and the demo; everything else must not. */
function comparable(inv: ClusterInventory) {
  return {
    ...inv,
    source: null,
    discoveredAt: null,
    durationMs: null,
    services: inv.services.map(({ uid: _uid, ...rest }) => rest),
  };
}

describe('live discovery of each scenario through @kubernetes/client-node', () => {
  const ids = [
    'bare-metal-metallb',
    'openstack-xff',
    'openstack-proxy',
    'openstack-proxy-broken',
    'k3s-servicelb-traefik',
    'k3s-servicelb-local',
    'gke-local',
    'source-ip-tutorial',
    'egress-tproxy',
    'spoofable-nginx',
    'metallb-legacy-configmap',
    'eks-alb-nlb',
    'bare-metal-hostnetwork',
    'cilium-kpr-dsr',
    'allow-lists',
  ];
  const live = new Map<string, ClusterInventory>();
  const servers: FixtureApiServer[] = [];

  beforeAll(async () => {
    for (const id of ids) {
      const server = await startFixtureApiServer({ scenarioFile: scenarioFile(id), contextName: `fixture-${id}` });
      servers.push(server);
      live.set(id, await discoverLive(server));
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it.each(ids)('%s: live discovery equals demo mode and reports no errors', async (id) => {
    const inv = live.get(id)!;
    expect(inv.errors).toEqual([]);
    expect(inv.source.mode).toBe('kubeconfig');
    expect(inv.source.context).toBe(`fixture-${id}`);
    expect(inv.source.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const demo = await getInventory({ scenario: id, scenariosDir: scenarios });
    expect(demo.source).toMatchObject({ mode: 'demo', context: `demo/${id}`, server: '', scenario: id });
    expect(comparable(inv)).toEqual(comparable(demo));
  });

  it('bare-metal-metallb: nodes, kube-proxy, MetalLB pools and announcers, ingress-nginx settings', () => {
    const inv = live.get('bare-metal-metallb')!;
    expect(inv.nodes.map((n) => [n.name, n.internalIP, n.ready, n.roles, n.excludeFromExternalLB])).toEqual([
      ['cp-1', '192.0.2.10', true, ['control-plane'], true],
      ['wk-a', '192.0.2.11', true, ['worker'], false],
      ['wk-b', '192.0.2.12', true, ['worker'], false],
    ]);
    expect(inv.kubeProxy).toEqual({ mode: 'iptables', source: 'default', clusterCIDR: '10.244.0.0/16', strictARP: true, configMap: 'kube-system/kube-proxy' });
    expect(inv.cni.name).toBe('calico');
    expect(inv.loadBalancers).toEqual([
      {
        provider: 'metallb',
        pools: [
          { name: 'bgp-pool', addresses: ['198.51.100.128/28'], mode: 'bgp', autoAssign: false, origin: 'crd', nodeSelectorNodes: [] },
          { name: 'public', addresses: ['198.51.100.50-198.51.100.59'], mode: 'layer2', autoAssign: true, origin: 'crd', nodeSelectorNodes: ['wk-a', 'wk-b'] },
        ],
      },
    ]);
    const controller = service(inv, 'ingress-nginx', 'ingress-nginx-controller');
    expect(controller).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32001,
      loadBalancerIPs: ['198.51.100.50'],
      announcingNode: 'wk-a',
      loadBalancerProvider: 'metallb',
      loadBalancerPool: 'public',
    });
    expect(controller.ports).toEqual([
      { name: 'http', port: 80, nodePort: 31543, targetPort: 'http', protocol: 'TCP' },
      { name: 'https', port: 443, nodePort: 31544, targetPort: 'https', protocol: 'TCP' },
    ]);
    expect(controller.endpoints.map((e) => [e.ip, e.nodeName, e.ready])).toEqual([['10.244.1.20', 'wk-a', true]]);
    expect(service(inv, 'media', 'jellyfin')).toMatchObject({ externalTrafficPolicy: 'Cluster', announcingNode: 'wk-b', healthCheckNodePort: null });
    expect(service(inv, 'api', 'api-gateway')).toMatchObject({ announcingNode: null, announcingNodes: ['wk-a', 'wk-b'], loadBalancerPool: 'bgp-pool' });
    expect(service(inv, 'monitoring', 'grafana')).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Cluster', loadBalancerProvider: null });

    const shop = inv.ingresses.find((i) => i.name === 'shop')!;
    expect(shop).toMatchObject({ namespace: 'shop', className: 'nginx', hosts: ['shop.example.com'], tls: true, addresses: ['198.51.100.50'] });
    expect(shop.controller).toMatchObject({
      kind: 'ingress-nginx',
      namespace: 'ingress-nginx',
      service: 'ingress-nginx-controller',
      configMap: 'ingress-nginx/ingress-nginx-controller',
      settings: { useForwardedHeaders: false, useProxyProtocol: false, computeFullForwardedFor: false, trustedCIDRs: ['0.0.0.0/0'] },
    });
    const roles = Object.fromEntries(inv.pods.map((p) => [p.name, p.roles]));
    expect(roles).toMatchObject({
      influxdb: ['host-network', 'host-port'],
      'influxdb-hostport': ['host-port'],
      'hopscope-echo-7f9d8c6b5-k2p7d': ['echo'],
      'ingress-nginx-controller-6b8f9c7d5-x7k2q': ['ingress-controller'],
    });
  });

  it('openstack scenarios: cloud LB from annotations and providerID, XFF vs PROXY settings', () => {
    const xff = live.get('openstack-xff')!;
    expect(xff.loadBalancers).toEqual([{ provider: 'cloud', name: 'openstack', pools: [{ name: 'openstack', addresses: ['203.0.113.40'], mode: 'cloud' }] }]);
    expect(service(xff, 'ingress-nginx', 'my-ingress-ingress-nginx-controller').annotations).toEqual({ 'loadbalancer.openstack.org/x-forwarded-for': 'true' });
    expect(xff.ingresses[0]!.controller!.settings).toMatchObject({ useForwardedHeaders: true, computeFullForwardedFor: true, trustedCIDRs: ['192.0.2.0/24'] });

    const proxy = live.get('openstack-proxy')!;
    const proxySvc = service(proxy, 'ingress-nginx', 'my-ingress-ingress-nginx-controller');
    expect(proxySvc.annotations).toEqual({ 'loadbalancer.openstack.org/proxy-protocol': 'true' });
    expect(proxySvc.loadBalancerIngress).toEqual([{ ip: '203.0.113.41', ipMode: 'Proxy' }]);
    expect(proxy.ingresses[0]!.controller!.settings.useProxyProtocol).toBe(true);

    const broken = live.get('openstack-proxy-broken')!;
    expect(service(broken, 'ingress-nginx', 'my-ingress-ingress-nginx-controller').annotations).toEqual({ 'loadbalancer.openstack.org/proxy-protocol': 'true' });
    expect(broken.ingresses[0]!.controller!.settings).toMatchObject({ useProxyProtocol: false, useForwardedHeaders: false });
  });

  it('eks-alb-nlb: the ALB as a pod-less controller from its IngressClass, kube-proxy-config, the VPC CNI', () => {
    const inv = live.get('eks-alb-nlb')!;
    expect(inv.kubeProxy).toMatchObject({ mode: 'iptables', configMap: 'kube-system/kube-proxy-config' });
    expect(inv.cni.name).toBe('aws-vpc-cni');
    expect(inv.nodes.map((n) => n.kubeletVersion)).toEqual(['v1.33.5-eks-113cf36', 'v1.33.5-eks-113cf36', 'v1.33.5-eks-113cf36']);
    const alb = inv.ingressControllers.find((c) => c.kind === 'aws-alb');
    expect(alb).toEqual({
      id: 'aws-alb/cloud/aws-alb',
      kind: 'aws-alb',
      namespace: '',
      service: null,
      settings: expect.objectContaining({ origin: 'cloud load balancer (no settings in the cluster)' }),
      ingressClasses: ['alb'],
      pods: [],
      configMap: null,
      version: null,
    });
    const api = inv.ingresses.find((i) => i.name === 'api')!;
    expect(api.controller?.id).toBe('aws-alb/cloud/aws-alb');
    expect(api.annotations).toEqual({ 'alb.ingress.kubernetes.io/scheme': 'internet-facing', 'alb.ingress.kubernetes.io/target-type': 'ip' });
    expect(inv.ingresses.find((i) => i.name === 'shop')!.controller).toMatchObject({ kind: 'ingress-nginx', version: 'v1.13.3' });
  });

  it('bare-metal-hostnetwork: host-network controller pods with their node ports, externalIPs', () => {
    const inv = live.get('bare-metal-hostnetwork')!;
    const pod = inv.pods.find((p) => p.name === 'ingress-nginx-controller-x4k2p')!;
    expect(pod).toMatchObject({ hostNetwork: true, ip: '192.0.2.71', hostIP: '192.0.2.71' });
    expect(pod.hostPorts.map((h) => h.hostPort)).toEqual([80, 443]);
    expect(service(inv, 'apps', 'mail')).toMatchObject({ externalIPs: ['203.0.113.72'], externalTrafficPolicy: 'Local' });
    expect(inv.ingresses.find((i) => i.name === 'wiki')!.addresses).toEqual(['203.0.113.71', '203.0.113.72']);
  });

  it('k3s: ServiceLB announcing nodes from svclb pods, Traefik as default class, embedded kube-proxy and flannel', () => {
    const inv = live.get('k3s-servicelb-traefik')!;
    expect(inv.kubeProxy).toMatchObject({ mode: 'iptables', source: 'default' });
    expect(inv.cni).toEqual({ name: 'flannel', natOutgoing: true });
    expect(service(inv, 'kube-system', 'traefik')).toMatchObject({
      loadBalancerProvider: 'servicelb',
      announcingNodes: ['k3s-agent', 'k3s-server'],
      loadBalancerIPs: ['192.0.2.31', '192.0.2.32'],
    });
    expect(inv.loadBalancers).toEqual([{ provider: 'servicelb', pools: [{ name: 'servicelb', addresses: ['192.0.2.32', '192.0.2.31'], mode: 'servicelb' }] }]);
    const podinfo = inv.ingresses.find((i) => i.name === 'podinfo')!;
    expect(podinfo.className).toBe('traefik');
    // Per entry point (docs/domain.md#s6.2.1): web trusts the LAN, websecure nothing; the pod's container ports too.
    expect(podinfo.controller).toMatchObject({
      kind: 'traefik',
      service: 'traefik',
      settings: {
        useForwardedHeaders: true,
        entryPoint: 'web',
        entryPoints: expect.arrayContaining([
          expect.objectContaining({ name: 'web', port: 8000, forwardedHeadersTrustedIPs: ['192.0.2.0/24'] }),
          expect.objectContaining({ name: 'websecure', port: 8443, forwardedHeadersTrustedIPs: [] }),
        ]),
      },
      containerPorts: [{ name: 'web', containerPort: 8000, protocol: 'TCP' }, { name: 'websecure', containerPort: 8443, protocol: 'TCP' }],
    });
    // The IngressRoute comes from the traefik.io group the fixture server serves for it (docs/domain.md#s6.2.4).
    expect(inv.ingressRoutes).toEqual([
      {
        namespace: 'default',
        name: 'whoami-secure',
        group: 'traefik.io',
        entryPoints: ['websecure'],
        tls: true,
        routes: [
          {
            match: 'Host(`whoami.home.example`) && PathPrefix(`/`)',
            hosts: ['whoami.home.example'],
            services: [{ kind: 'Service', namespace: 'default', name: 'whoami', port: 80 }],
            middlewares: [{ namespace: 'default', name: 'lan-only' }],
          },
        ],
        controller: expect.objectContaining({ id: podinfo.controller!.id }),
      },
    ]);
    expect(inv.traefikAllowLists).toEqual([{ namespace: 'default', name: 'lan-only', field: 'ipAllowList', sourceRange: ['192.0.2.0/24'], depth: 0, excludedIPs: [] }]);
  });

  it('gke-local and the tutorial: Local policy, healthCheckNodePort, endpoint nodes', () => {
    const gke = live.get('gke-local')!;
    expect(gke.kubeProxy.mode).toBe('unknown');
    expect(service(gke, 'web', 'store-frontend')).toMatchObject({
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 31234,
      loadBalancerIPs: ['203.0.113.100'],
      loadBalancerProvider: 'cloud',
    });
    expect(service(gke, 'web', 'store-frontend').endpoints.map((e) => e.nodeName)).toEqual([
      'gke-prod-pool-1-8f3a2b1c-n1',
      'gke-prod-pool-1-8f3a2b1c-n2',
    ]);
    const tutorial = live.get('source-ip-tutorial')!;
    expect(tutorial.kubeProxy).toMatchObject({ mode: 'iptables', source: 'configmap' });
    expect(tutorial.services.map((s) => [s.name, s.type, s.externalTrafficPolicy, s.healthCheckNodePort])).toEqual([
      ['clusterip', 'ClusterIP', null, null],
      ['loadbalancer', 'LoadBalancer', 'Local', 32122],
      ['nodeport', 'NodePort', 'Cluster', null],
      ['nodeport-local', 'NodePort', 'Local', null],
    ]);
  });

  it('egress, spoofable nginx and legacy MetalLB', () => {
    const egress = live.get('egress-tproxy')!;
    const proxied = egress.pods.find((p) => p.egressProxy !== null)!;
    expect(proxied.name).toBe('tail-with-nginx-tranproxy-59d8b5f4f9-ptpq2');
    expect(proxied.egressProxy!.injectsHeaders).toEqual(expect.arrayContaining(['X-Forwarded-For', 'X-Pod-Name', 'X-Pod-IP']));

    const spoofable = live.get('spoofable-nginx')!;
    expect(spoofable.ingresses[0]!.controller!.settings).toMatchObject({ useForwardedHeaders: true, trustedCIDRs: ['0.0.0.0/0'] });

    const legacy = live.get('metallb-legacy-configmap')!;
    expect(legacy.kubeProxy.mode).toBe('ipvs');
    expect(legacy.nodes.map((n) => n.ready)).toEqual([true, false]);
    expect(legacy.loadBalancers[0]!.pools.map((p) => [p.name, p.mode, p.origin])).toEqual([
      ['bgp-space', 'bgp', 'configmap'],
      ['default', 'layer2', 'configmap'],
    ]);
    expect(service(legacy, 'web', 'web')).toMatchObject({ loadBalancerProvider: 'metallb', loadBalancerPool: 'default', announcingNode: null });
  });

  // cilium-config, the CiliumLoadBalancerIPPool, the L2 policy and the kube-system Leases all arrive through the real
  // REST paths (docs/domain.md#s2.10.1, #s2.10.3, #src-S64, #src-S65); no kube-proxy configuration exists.
  it('cilium-kpr-dsr: cilium-config, LB IPAM pool and the L2 Lease holders', () => {
    const inv = live.get('cilium-kpr-dsr')!;
    expect(inv.cni.name).toBe('cilium');
    expect(inv.kubeProxy.mode).toBe('none');
    expect(inv.cilium).toMatchObject({ configMap: 'kube-system/cilium-config', replacesKubeProxy: true, lbMode: 'dsr', lbModeAnnotation: true, dsrDispatch: 'ipip', routingMode: 'native', assumed: [] });
    expect(inv.loadBalancers).toEqual([
      { provider: 'cilium', pools: [{ name: 'lan', addresses: ['198.51.100.200-198.51.100.220'], mode: 'layer2', autoAssign: true, origin: 'crd', nodeSelectorNodes: ['k8s-w1', 'k8s-w2'] }] },
    ]);
    expect(service(inv, 'hopscope', 'hopscope-echo-dsr')).toMatchObject({ loadBalancerProvider: 'cilium', loadBalancerPool: 'lan', announcingNode: 'k8s-w1' });
    expect(service(inv, 'hopscope', 'hopscope-echo-snat')).toMatchObject({
      announcingNode: 'k8s-w2',
      annotations: { 'service.cilium.io/forwarding-mode': 'snat' },
    });
  });
});

describe('paged discovery of a generated cluster', () => {
  it('reads 1,200 Services and 2,400 pods in pages and matches the demo normalisation of the same objects', async () => {
    const manifest = generateLargeScenario({ nodes: 40, services: 1_200 });
    const server = await startFixtureApiServer({ objects: manifest.objects });
    try {
      const inv = await discoverLive(server);
      expect(inv.errors).toEqual([]);
      expect([inv.nodes.length, inv.services.length, inv.ingresses.length]).toEqual([40, 1_200, 60]);
      const demo = normalizeInventory(rawObjectsFromManifest(manifest.objects), {
        source: inv.source,
        errors: [],
        discoveredAt: inv.discoveredAt,
        durationMs: inv.durationMs,
      });
      expect(comparable(inv)).toEqual(comparable(demo));
      // Services, EndpointSlices and pods each needed several pages of 500.
      expect(server.requestCount()).toBeGreaterThan(15);
    } finally {
      await server.close();
    }
  });
});

describe('partial results and failures', () => {
  let server: FixtureApiServer;
  let dir: string;
  beforeAll(async () => {
    server = await startFixtureApiServer({ scenarioFile: scenarioFile('bare-metal-metallb') });
    dir = mkdtempSync(path.join(tmpdir(), 'hopscope-discovery-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('403 on ipaddresspools.metallb.io: the rest is returned with a named error and an RBAC hint', async () => {
    server.setForbidden(['ipaddresspools.metallb.io']);
    try {
      const inv = await discoverLive(server);
      expect(inv.errors).toEqual([
        {
          resource: 'ipaddresspools.metallb.io',
          status: 403,
          reason: 'forbidden',
          message: expect.stringContaining('cannot list resource "ipaddresspools"'),
          hint: expect.stringContaining('grant list on ipaddresspools.metallb.io'),
        },
      ]);
      expect(inv.nodes).toHaveLength(3);
      expect(service(inv, 'ingress-nginx', 'ingress-nginx-controller').announcingNode).toBe('wk-a');
      expect(inv.loadBalancers.flatMap((l) => l.pools)).toEqual([]);
    } finally {
      server.setForbidden([]);
    }
  });

  it('MetalLB absent (404 on the metallb.io group) is not an error', async () => {
    const noMetallb = await startFixtureApiServer({ scenarioFile: scenarioFile('source-ip-tutorial') });
    try {
      const inv = await discoverLive(noMetallb);
      expect(inv.errors).toEqual([]);
      expect(inv.loadBalancers.map((l) => l.provider)).toEqual(['cloud']);
    } finally {
      await noMetallb.close();
    }
  });

  it('a bad token gives named 401 errors, not a crash', async () => {
    const kubeconfigPath = server.writeKubeconfig(path.join(dir, 'bad-token'), { token: 'not-the-token' });
    const inv = await discoverLive(server, { kubeconfigPath });
    expect(inv.nodes).toEqual([]);
    expect(inv.errors.length).toBeGreaterThan(0);
    for (const error of inv.errors) {
      expect(error).toMatchObject({ status: 401, reason: 'unauthorized', hint: expect.stringContaining('rejected') });
    }
    expect(inv.errors.map((e) => e.resource)).toContain('nodes');
  });

  it('an apiserver that is down (closed port) → cluster_unreachable within the bound', async () => {
    const port = await closedPort();
    const kubeconfigPath = server.writeKubeconfig(path.join(dir, 'down'), { server: `https://127.0.0.1:${port}` });
    const started = performance.now();
    const error = await discoverLive(server, { kubeconfigPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HopscopeError);
    expect(error).toMatchObject({ code: 'cluster_unreachable', status: 503 });
    expect((error as HopscopeError).hint).toContain(`127.0.0.1:${port}`);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('an apiserver slower than the timeout → cluster_unreachable after about one timeout', async () => {
    server.setDelay(3_000);
    try {
      const started = performance.now();
      const error = await discoverLive(server, { timeoutMs: 500 }).catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toMatchObject({ code: 'cluster_unreachable', status: 503 });
      expect((error as HopscopeError).message).toContain('no answer within 500 ms');
      expect(elapsed).toBeGreaterThanOrEqual(450);
      // Bounded by the timeout, not by the 3 s delay (with room for a busy machine).
      expect(elapsed).toBeLessThan(2_500);
    } finally {
      server.setDelay(0);
    }
  });

  it('lists contexts without credentials and switches context by name', async () => {
    const kubeconfigPath = path.join(dir, 'two-contexts');
    const { stringify, parse } = await import('yaml');
    const base = parse(server.kubeconfig()) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
    const other = parse(server.kubeconfig({ contextName: 'other', server: `https://127.0.0.1:${await closedPort()}` })) as typeof base;
    const merged = { ...base, clusters: [...base.clusters, ...other.clusters], users: [...base.users, ...other.users], contexts: [...base.contexts, ...other.contexts] };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(kubeconfigPath, stringify(merged));

    const contexts = listContexts({ kubeconfigPath, inCluster: false });
    expect(contexts.current).toBe('hopscope-fixture');
    expect(contexts.contexts.map((c) => c.name)).toEqual(['hopscope-fixture', 'other']);
    expect(JSON.stringify(contexts)).not.toContain(server.token);

    const inv = await getInventory({ kubeconfigPath, inCluster: false, forceDemo: false, timeoutMs: TIMEOUT_MS, context: 'hopscope-fixture' });
    expect(inv.source.context).toBe('hopscope-fixture');
    await expect(
      getInventory({ kubeconfigPath, inCluster: false, forceDemo: false, timeoutMs: TIMEOUT_MS, context: 'other' }),
    ).rejects.toMatchObject({ code: 'cluster_unreachable' });
    await expect(getInventory({ kubeconfigPath, inCluster: false, forceDemo: false, context: 'nope' })).rejects.toMatchObject({
      code: 'unknown_context',
      status: 404,
    });
  });

  it('in a pod: uses the service-account token and CA and calls the context "in-cluster"', async () => {
    const root = path.join(dir, 'pod');
    const mount = path.join(root, 'var', 'run', 'secrets', 'kubernetes.io', 'serviceaccount');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(mount, { recursive: true });
    writeFileSync(path.join(mount, 'token'), server.token);
    writeFileSync(path.join(mount, 'ca.crt'), server.caPem);
    writeFileSync(path.join(mount, 'namespace'), 'hopscope');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    // client-node reads the apiserver address from these two variables, as in every pod.
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = String(server.port);
    try {
      const opts = { kubeconfigPath: path.join(dir, 'missing'), inCluster: true, serviceAccountRoot: root, forceDemo: false, timeoutMs: TIMEOUT_MS };
      const inv = await getInventory(opts);
      expect(inv.source).toEqual({ mode: 'in-cluster', context: 'in-cluster', server: `https://127.0.0.1:${server.port}` });
      expect(inv.errors).toEqual([]);
      expect(inv.nodes).toHaveLength(3);
      expect(listContexts(opts)).toEqual({
        mode: 'in-cluster',
        current: 'in-cluster',
        contexts: [{ name: 'in-cluster', cluster: 'in-cluster', server: `https://127.0.0.1:${server.port}` }],
      });
      await expect(getInventory({ ...opts, context: 'other' })).rejects.toMatchObject({ code: 'unknown_context' });
    } finally {
      for (const [key, value] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('falls back to the demo when no kubeconfig exists and not in a cluster', async () => {
    const inv = await getInventory({
      kubeconfigPath: path.join(dir, 'missing'),
      inCluster: false,
      forceDemo: false,
      demoScenario: 'gke-local',
      scenariosDir: scenarios,
    });
    expect(inv.source).toMatchObject({ mode: 'demo', scenario: 'gke-local', fallbackReason: expect.stringContaining('no kubeconfig') });
  });
});

/** A loopback port with nothing listening: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
