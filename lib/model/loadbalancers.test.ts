// Every provider in PROVIDERS, row by row: how it is recognised, and what its PROXY protocol and X-Forwarded-For
// settings do to a path. The expectations are written out here rather than read from the table, so a wrong
// entry (a misspelt annotation, a missing providerID scheme, the wrong PROXY version) fails a test.
import { describe, expect, it } from 'vitest';
import { HopscopeError } from '@/lib/errors';
import { buildPaths } from '@/lib/model';
import type { ClusterInventory, LoadBalancerProviderInfo, LoadBalancerProviderKind, ServiceInfo } from '@/lib/types';
import { type LoadBalancerBehaviour, PROVIDERS, resolveProvider } from './loadbalancers';
import { LAB, inventory, labNodes, port, service } from '@/test/support/lab-inventory';
import type { ModelPath } from './types';
import { applyWhatIf, parseWhatIfList } from './whatif';

interface Expected {
  /** Cloud names discovery may report (LoadBalancerProviderInfo.name). */
  names: string[];
  /** Service annotations of the provider, each enough to recognise it. */
  annotations: string[];
  /** Node providerIDs as the provider's cloud controller writes them. */
  providerIDs: string[];
  /** What the LB does with no client-IP annotation. */
  mode: LoadBalancerBehaviour['mode'];
  /** The annotations the PROXY what-if writes and the version the LB then sends; null when it cannot send PROXY. */
  proxy: {
    v1: Record<string, string>;
    v2: Record<string, string>;
    /** The LB hop's "PROXY protocol" detail after each what-if. */
    sent: { v1: string; v2: string };
    /** The fix for in-cluster clients of the VIP; null when the cloud controller publishes ipMode Proxy itself. */
    inClusterFix: string | null;
  } | null;
  /** The annotations the X-Forwarded-For what-if writes; null when the provider has no such listener setting. */
  xff: Record<string, string> | null;
}

const IPMODE_FIX = 'ipMode: Proxy';

const EXPECTED: Record<string, Expected> = {
  metallb: {
    names: ['metallb'],
    annotations: ['metallb.io/address-pool', 'metallb.universe.tf/address-pool'],
    providerIDs: [],
    mode: 'passthrough',
    proxy: null,
    xff: null,
  },
  servicelb: {
    names: ['servicelb', 'k3s'],
    annotations: ['svccontroller.k3s.cattle.io/lbpool'],
    providerIDs: ['k3s://node1'],
    // docs/domain.md#s5: an address on the node is taken by kube-proxy, as any pass-through LB's (the NAT'd
    // ExternalIP that goes through svclb is in paths.test.ts).
    mode: 'passthrough',
    proxy: null,
    xff: null,
  },
  // docs/domain.md#s2.10.3: LB IPAM allocates, L2 announcements / BGP make the node receive the packet unchanged.
  cilium: {
    names: ['cilium'],
    annotations: ['lbipam.cilium.io/ips', 'lbipam.cilium.io/sharing-key'],
    providerIDs: [],
    mode: 'passthrough',
    proxy: null,
    xff: null,
  },
  openstack: {
    names: ['openstack'],
    annotations: ['loadbalancer.openstack.org/proxy-protocol'],
    providerIDs: ['openstack:///0b6a2c5e-3f4d-4a8b-9c1d-2e3f4a5b6c7d'],
    mode: 'proxy',
    proxy: {
      v1: { 'loadbalancer.openstack.org/proxy-protocol': 'true' },
      v2: { 'loadbalancer.openstack.org/proxy-protocol': 'v2' },
      sent: { v1: 'v1', v2: 'v2' },
      inClusterFix: null,
    },
    xff: { 'loadbalancer.openstack.org/x-forwarded-for': 'true' },
  },
  ovh: {
    names: ['ovh', 'ovhcloud'],
    annotations: ['service.beta.kubernetes.io/ovh-loadbalancer-proxy-protocol', 'loadbalancer.ovhcloud.com/class'],
    providerIDs: ['ovhcloud://0b6a2c5e-3f4d-4a8b-9c1d-2e3f4a5b6c7d'],
    mode: 'proxy',
    // docs/domain.md#s7.1: OVHcloud's Octavia integration supports PROXY v1 only, so a v2 request writes v1.
    proxy: {
      v1: { 'loadbalancer.openstack.org/proxy-protocol': 'true' },
      v2: { 'loadbalancer.openstack.org/proxy-protocol': 'true' },
      sent: { v1: 'v1', v2: 'v1' },
      inClusterFix: null,
    },
    xff: null,
  },
  aws: {
    names: ['aws'],
    annotations: ['service.beta.kubernetes.io/aws-load-balancer-type'],
    providerIDs: ['aws:///eu-west-1a/i-0123456789abcdef0'],
    // A Classic ELB unless the type annotation asks for an NLB.
    mode: 'proxy',
    proxy: {
      v1: { 'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*' },
      v2: { 'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*' },
      // The Classic ELB speaks PROXY v1 only.
      sent: { v1: 'v1', v2: 'v1' },
      inClusterFix: IPMODE_FIX,
    },
    xff: { 'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'http' },
  },
  digitalocean: {
    names: ['digitalocean', 'do'],
    annotations: ['service.beta.kubernetes.io/do-loadbalancer-protocol'],
    providerIDs: ['digitalocean://412345678'],
    mode: 'passthrough',
    proxy: {
      v1: { 'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': 'true' },
      v2: { 'service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol': 'true' },
      sent: { v1: 'v1', v2: 'v1' },
      inClusterFix: 'service.beta.kubernetes.io/do-loadbalancer-hostname',
    },
    xff: { 'service.beta.kubernetes.io/do-loadbalancer-protocol': 'http' },
  },
  hetzner: {
    names: ['hetzner', 'hcloud'],
    annotations: ['load-balancer.hetzner.cloud/location'],
    providerIDs: ['hcloud://12345678'],
    mode: 'proxy',
    proxy: {
      v1: { 'load-balancer.hetzner.cloud/uses-proxyprotocol': 'true' },
      v2: { 'load-balancer.hetzner.cloud/uses-proxyprotocol': 'true' },
      // Hetzner does not document the version; receivers must accept both.
      sent: { v1: 'v1/2', v2: 'v1/2' },
      inClusterFix: 'load-balancer.hetzner.cloud/hostname',
    },
    xff: { 'load-balancer.hetzner.cloud/protocol': 'http' },
  },
  linode: {
    names: ['linode', 'akamai'],
    annotations: ['service.beta.kubernetes.io/linode-loadbalancer-throttle'],
    providerIDs: ['linode://41234567'],
    mode: 'proxy',
    proxy: {
      v1: { 'service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol': 'v1' },
      v2: { 'service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol': 'v2' },
      sent: { v1: 'v1', v2: 'v2' },
      inClusterFix: 'service.beta.kubernetes.io/linode-loadbalancer-hostname-only-ingress',
    },
    xff: { 'service.beta.kubernetes.io/linode-loadbalancer-default-protocol': 'http' },
  },
  scaleway: {
    names: ['scaleway', 'scw'],
    annotations: ['service.beta.kubernetes.io/scw-loadbalancer-type'],
    providerIDs: ['scaleway://instance/fr-par-1/0b6a2c5e-3f4d-4a8b-9c1d-2e3f4a5b6c7d'],
    mode: 'proxy',
    proxy: {
      v1: { 'service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v1': 'true' },
      v2: { 'service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2': 'true' },
      sent: { v1: 'v1', v2: 'v2' },
      inClusterFix: 'service.beta.kubernetes.io/scw-loadbalancer-use-hostname',
    },
    xff: null,
  },
  azure: {
    names: ['azure'],
    annotations: ['service.beta.kubernetes.io/azure-load-balancer-internal'],
    providerIDs: ['azure:///subscriptions/0000/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachines/aks-node-0'],
    mode: 'passthrough',
    proxy: null,
    xff: null,
  },
  gce: {
    names: ['gce', 'gke', 'google'],
    annotations: ['networking.gke.io/load-balancer-type', 'cloud.google.com/l4-rbs'],
    providerIDs: ['gce://my-project/europe-west1-b/gke-pool-1-node-0'],
    mode: 'passthrough',
    proxy: null,
    xff: null,
  },
};

const LB_PATH = `loadBalancer:default/echo:${LAB.vip}:80@node1`;
/** The verdict at the echo pod behind a Local LB with no client-IP setting, by LB mode. */
const DEFAULT_VERDICT = { passthrough: 'preserved', proxy: 'lost', svclb: 'lost' } as const;

const echoService = (annotations: Record<string, string> = {}, kind: LoadBalancerProviderKind = 'cloud'): ServiceInfo =>
  service({ name: 'echo', type: 'LoadBalancer', provider: kind, lbAddress: LAB.vip, policy: 'Local', ports: [port(80, 30080)], annotations });

/** The lab with one Local LB Service in front of the echo pod, served by provider `id` as discovery reports it. */
function clusterOf(id: string): ClusterInventory {
  if (id === 'metallb') {
    const pools = [{ name: 'default', addresses: ['198.51.100.50-198.51.100.60'], mode: 'layer2' as const }];
    return inventory({ loadBalancers: [{ provider: 'metallb', pools }], services: [{ ...echoService({}, 'metallb'), announcingNode: 'node1' }] });
  }
  if (id === 'servicelb') return inventory({ services: [echoService({}, 'servicelb')] });
  return inventory({ loadBalancers: [{ provider: 'cloud', name: id, pools: [] }], services: [echoService()] });
}

function lbPath(inv: ClusterInventory, whatIf = ''): ModelPath {
  const path = buildPaths(inv, parseWhatIfList(whatIf)).find((p) => p.id === LB_PATH);
  if (!path) throw new Error(`no path ${LB_PATH}`);
  return path;
}
const lbDetails = (path: ModelPath) => path.hops.find((h) => h.kind === 'loadBalancer')!.details;
const annotationsAfter = (inv: ClusterInventory, whatIf: string) =>
  applyWhatIf(inv, parseWhatIfList(whatIf)).services.find((s) => s.name === 'echo')!.annotations;

const ROWS = PROVIDERS.map((p) => [p.id, p] as const);

it('every provider in the table has expectations here, and nothing else does', () => {
  expect(PROVIDERS.map((p) => p.id).sort()).toEqual(Object.keys(EXPECTED).sort());
});

describe.each(ROWS)('%s', (id, provider) => {
  const expected = EXPECTED[id]!;

  describe('recognition', () => {
    it.each(expected.names)('from the cloud name discovery reports: %s', (name) => {
      const cloud: LoadBalancerProviderInfo[] = [{ provider: 'cloud', name, pools: [] }];
      expect(resolveProvider(echoService(), inventory({ loadBalancers: cloud })).id).toBe(id);
    });

    // The lab's nodes have no providerID and no cloud is discovered: only the Service's annotation can tell.
    it.each(expected.annotations)('from a Service annotation: %s', (key) => {
      expect(resolveProvider(echoService({ [key]: 'x' }), inventory()).id).toBe(id);
    });

    it.each(expected.providerIDs)('from a node providerID: %s', (providerID) => {
      const nodes = labNodes().map((n) => ({ ...n, providerID }));
      expect(resolveProvider(echoService(), inventory({ nodes })).id).toBe(id);
    });
  });

  describe('behaviour', () => {
    it(`a Local LB Service without client-IP annotations: ${expected.mode}, ${DEFAULT_VERDICT[expected.mode]} at the pod`, () => {
      const path = lbPath(clusterOf(id));
      expect(lbDetails(path)).toMatchObject({ provider: provider.label, mode: expected.mode, 'PROXY protocol': 'off', 'X-Forwarded-For': 'false' });
      expect(path.verdict).toBe(DEFAULT_VERDICT[expected.mode]);
    });

    const proxy = expected.proxy;
    if (proxy) {
      it.each(['v1', 'v2'] as const)('the PROXY %s what-if writes its annotation and the pod reads the client from PROXY', (version) => {
        const inv = clusterOf(id);
        const whatIf = `svc:default/echo.proxyProtocol=${version}`;
        expect(annotationsAfter(inv, whatIf)).toMatchObject(proxy[version]);
        const path = lbPath(inv, whatIf);
        expect(lbDetails(path)).toMatchObject({ mode: 'proxy', 'PROXY protocol': proxy.sent[version] });
        expect(path.verdict).toBe('header');
        expect(path.hops.at(-1)?.clientAddressVia).toBe('proxy-protocol');
      });

      it('turning PROXY off again restores the plain listener', () => {
        const path = lbPath(clusterOf(id), 'svc:default/echo.proxyProtocol=v2,svc:default/echo.proxyProtocol=off');
        expect(lbDetails(path)['PROXY protocol']).toBe('off');
        expect(path.verdict).toBe(DEFAULT_VERDICT[expected.mode]);
      });

      it(`in-cluster clients of the VIP with PROXY on: ${proxy.inClusterFix ?? 'the cloud controller publishes ipMode Proxy'}`, () => {
        const path = lbPath(clusterOf(id), 'svc:default/echo.proxyProtocol=v2');
        const shortCircuit = path.findings.find((f) => f.code === 'in-cluster-proxy-protocol-short-circuit');
        if (proxy.inClusterFix === null) expect(shortCircuit).toBeUndefined();
        else expect(shortCircuit?.fix).toContain(proxy.inClusterFix);
      });
    } else {
      it('has no PROXY what-if', () => {
        expect(() => lbPath(clusterOf(id), 'svc:default/echo.proxyProtocol=v2')).toThrow(HopscopeError);
      });
    }

    const xff = expected.xff;
    if (xff) {
      it('the X-Forwarded-For what-if writes its annotation and the pod reads the client from the header', () => {
        const inv = clusterOf(id);
        const whatIf = 'svc:default/echo.xForwardedFor=true';
        expect(annotationsAfter(inv, whatIf)).toMatchObject(xff);
        const path = lbPath(inv, whatIf);
        expect(lbDetails(path)).toMatchObject({ mode: 'proxy', 'X-Forwarded-For': 'true' });
        expect(path.verdict).toBe('header');
        expect(path.hops.at(-1)?.clientAddressVia).toBe('x-forwarded-for');
      });
    } else {
      it('has no X-Forwarded-For what-if', () => {
        expect(() => lbPath(clusterOf(id), 'svc:default/echo.xForwardedFor=true')).toThrow(HopscopeError);
      });
    }
  });
});

/** The behaviour one provider declares for `annotations` on port `port`. */
const behaviourOf = (id: string, annotations: Record<string, string>, port = 80) =>
  PROVIDERS.find((p) => p.id === id)!.behaviour(echoService(annotations), port);

describe('provider-specific settings', () => {
  it('Linode: a per-port annotation overrides the defaults for that port only, and an unparsable one is ignored', () => {
    const perPort = { 'service.beta.kubernetes.io/linode-loadbalancer-port-443': '{"proxy-protocol":"v2","protocol":"https"}' };
    expect(behaviourOf('linode', perPort, 443)).toMatchObject({ proxyProtocol: { version: 2 }, xForwardedFor: true });
    expect(behaviourOf('linode', perPort, 80)).toMatchObject({ proxyProtocol: null, xForwardedFor: false });
    const broken = { 'service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol': 'v1', 'service.beta.kubernetes.io/linode-loadbalancer-port-80': '{not json' };
    expect(behaviourOf('linode', broken).proxyProtocol).toEqual({ version: 1 });
    expect(behaviourOf('linode', { 'service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol': 'v2' }).proxyProtocol).toEqual({ version: 2 });
  });

  it('Scaleway: PROXY on a port list or "*" covers only the ports named', () => {
    const listed = { 'service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2': '80,443' };
    expect(behaviourOf('scaleway', listed, 443).proxyProtocol).toEqual({ version: 2 });
    expect(behaviourOf('scaleway', listed, 8080).proxyProtocol).toBeNull();
    expect(behaviourOf('scaleway', { 'service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v1': '*' }, 8080).proxyProtocol).toEqual({ version: 1 });
  });

  it('OVHcloud: the legacy IOLB key sets the version, the Octavia key wins when both are set (PROXY v1 only, docs/domain.md#s7.1)', () => {
    const legacy = (v: string) => ({ 'service.beta.kubernetes.io/ovh-loadbalancer-proxy-protocol': v });
    expect(behaviourOf('ovh', legacy('v1')).proxyProtocol).toEqual({ version: 1 });
    expect(behaviourOf('ovh', legacy('v2-ssl-cn')).proxyProtocol).toEqual({ version: 2 });
    expect(behaviourOf('ovh', { ...legacy('v2'), 'loadbalancer.openstack.org/proxy-protocol': 'v2' }).proxyProtocol).toEqual({ version: 1 });
  });

  it('Azure: the public path stays pass-through whatever the Service says (PROXY exists only on Private Link)', () => {
    const annotations = { 'service.beta.kubernetes.io/azure-pls-proxy-protocol': 'true', 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' };
    expect(behaviourOf('azure', annotations)).toMatchObject({ mode: 'passthrough', proxyProtocol: null, xForwardedFor: false });
  });

  it('AWS: an NLB with instance targets keeps the client; the LB Controller\'s ip targets and PROXY v2 make it a proxy', () => {
    const nlb = { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' };
    const external = { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' };
    expect(behaviourOf('aws', nlb)).toMatchObject({ mode: 'passthrough', targets: 'nodes' });
    expect(behaviourOf('aws', { ...external, 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' })).toMatchObject({ mode: 'proxy', targets: 'pods' });
    expect(behaviourOf('aws', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb-ip' })).toMatchObject({ mode: 'proxy', targets: 'pods' });
    // The in-tree controller (type nlb) reads neither nlb-target-type nor target-group-attributes.
    expect(behaviourOf('aws', { ...nlb, 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' })).toMatchObject({ mode: 'passthrough', targets: 'nodes' });
    expect(behaviourOf('aws', { ...nlb, 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'proxy_protocol_v2.enabled=true' })).toMatchObject({ mode: 'passthrough', proxyProtocol: null });
    expect(behaviourOf('aws', { ...nlb, 'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*' })).toMatchObject({ mode: 'proxy', proxyProtocol: { version: 2 } });
  });

  it('DigitalOcean: the REGIONAL type proxies even without PROXY or HTTP', () => {
    expect(behaviourOf('digitalocean', { 'service.beta.kubernetes.io/do-loadbalancer-type': 'REGIONAL' }).mode).toBe('proxy');
  });
});
