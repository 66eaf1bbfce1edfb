// Hand-written PathsResponse and PathTrace for unit tests and UI work without a server.
// Addresses follow the project's lab: client 203.0.113.10, VIP 198.51.100.50, nodes 192.0.2.11/12,
// pods in 10.244.0.0/16, ClusterIPs in 10.96.0.0/16 (see the lab description in the README).
import { hopInfo, SEES_CLIENT } from '@/lib/testing/inventory';
import type { Hop, NetPath, PathTrace, PathsResponse } from '@/lib/types';

type HopInput = Pick<Hop, 'kind' | 'name'> & Partial<Hop>;

/** A hop with the id "<kind>:<address or name>" and no port unless given. */
function hop(input: HopInput): Hop {
  const key = input.address ?? input.name;
  return hopInfo({ id: `${input.kind}:${key}`, port: null, ...input });
}

const client = hop({
  kind: 'client',
  name: 'client',
  address: '203.0.113.10',
  believedClient: 'client',
  believedClientRole: 'client',
  clientAddressVia: 'source',
});

const nodeA = (overrides: Partial<Hop> = {}) =>
  hop({
    kind: 'node',
    name: 'wk-a',
    address: '192.0.2.11',
    port: 31543,
    ...SEES_CLIENT,
    objects: [{ kind: 'Node', name: 'wk-a' }],
    details: { 'kube-proxy mode': 'iptables', externalTrafficPolicy: 'Local', SNAT: 'no' },
    ...overrides,
  });

/** What the shop Service and its pod see: the ingress controller, with the client in X-Forwarded-For. */
const behindIngress = {
  expectedPeer: '10.244.1.20',
  expectedPeerRole: 'ingressController',
  clientAddressVia: 'x-forwarded-for',
  believedClient: 'client',
  believedClientRole: 'client',
} as const satisfies Partial<Hop>;

export const shopIngressPath: NetPath = {
  id: 'ingress:shop/shop:shop.example.com',
  entry: { kind: 'ingress', namespace: 'shop', name: 'shop', host: 'shop.example.com', address: '198.51.100.50', port: 443, scheme: 'https' },
  hops: [
    client,
    hop({
      kind: 'loadBalancer',
      name: 'MetalLB VIP 198.51.100.50',
      address: '198.51.100.50',
      port: 443,
      ...SEES_CLIENT,
      objects: [
        { kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
        { kind: 'IPAddressPool', namespace: 'metallb-system', name: 'public' },
      ],
      details: { provider: 'metallb', mode: 'layer2', 'announced by': 'wk-a', 'metallb.io/ip-allocated-from-pool': 'public' },
    }),
    nodeA(),
    hop({
      kind: 'ingressController',
      name: 'ingress-nginx-controller-7c9f',
      address: '10.244.1.20',
      port: 443,
      ...SEES_CLIENT,
      objects: [
        { kind: 'Pod', namespace: 'ingress-nginx', name: 'ingress-nginx-controller-7c9f' },
        { kind: 'ConfigMap', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
      ],
      details: { 'use-forwarded-headers': 'false', 'use-proxy-protocol': 'false', 'proxy-real-ip-cidr': '0.0.0.0/0' },
    }),
    hop({
      kind: 'service',
      name: 'shop',
      address: '10.96.0.30',
      port: 80,
      ...behindIngress,
      objects: [{ kind: 'Service', namespace: 'shop', name: 'shop' }],
      details: { type: 'ClusterIP' },
    }),
    hop({
      kind: 'pod',
      name: 'shop-5f7d8',
      address: '10.244.1.10',
      port: 8080,
      ...behindIngress,
      objects: [{ kind: 'Pod', namespace: 'shop', name: 'shop-5f7d8' }],
      details: { node: 'wk-a' },
    }),
  ],
  verdict: 'header',
  findings: [
    {
      severity: 'info',
      code: 'proxy-lb-hides-client',
      message: 'The app sees the ingress controller as TCP peer; the client address arrives in X-Forwarded-For and X-Real-IP set by ingress-nginx.',
      fix: null,
      hopId: 'pod:10.244.1.10',
    },
  ],
  appClient: { via: 'x-forwarded-for', role: 'client', value: 'client' },
};

/** What the echo Service and its pod see: the request SNATed to wk-b's address, no trace of the client. */
const snatToWkB = {
  expectedPeer: '192.0.2.12',
  expectedPeerRole: 'node',
  clientAddressVia: 'none',
  believedClient: '192.0.2.12',
  believedClientRole: 'node',
} as const satisfies Partial<Hop>;

export const echoNodePortPath: NetPath = {
  id: 'nodePort:default/echo:30080',
  entry: { kind: 'nodePort', namespace: 'default', name: 'echo', host: null, address: null, port: 30080, scheme: 'http' },
  hops: [
    client,
    nodeA({ port: 30080, details: { 'kube-proxy mode': 'iptables', externalTrafficPolicy: 'Cluster', SNAT: 'yes, when the endpoint is on another node' } }),
    hop({
      kind: 'node',
      name: 'wk-b',
      address: '192.0.2.12',
      port: 30080,
      ...SEES_CLIENT,
      objects: [{ kind: 'Node', name: 'wk-b' }],
      details: { 'kube-proxy mode': 'iptables', externalTrafficPolicy: 'Cluster', SNAT: 'yes' },
    }),
    hop({
      kind: 'service',
      name: 'echo',
      address: '10.96.0.10',
      port: 80,
      ...snatToWkB,
      objects: [{ kind: 'Service', namespace: 'default', name: 'echo' }],
      details: { type: 'NodePort', externalTrafficPolicy: 'Cluster' },
    }),
    hop({
      kind: 'pod',
      name: 'echo-6c4f9',
      address: '10.244.1.10',
      port: 8080,
      ...snatToWkB,
      objects: [{ kind: 'Pod', namespace: 'default', name: 'echo-6c4f9' }],
      details: { node: 'wk-a' },
    }),
  ],
  verdict: 'lost',
  findings: [
    {
      severity: 'error',
      code: 'snat-cluster-policy',
      message: 'externalTrafficPolicy: Cluster — a request to wk-b is forwarded to the pod on wk-a and SNATed to 192.0.2.12; the pod never sees the client.',
      fix: 'kubectl -n default patch service echo -p \'{"spec":{"externalTrafficPolicy":"Local"}}\'',
      tradeOff: 'Only nodes with a ready echo pod answer; requests to other nodes are dropped, so the load balancer must health-check healthCheckNodePort.',
      whatIf: 'service/default/echo:externalTrafficPolicy=Local',
      hopId: 'node:192.0.2.12',
    },
  ],
  appClient: { via: 'source', role: 'node', value: '192.0.2.12' },
};

export const proxyProtocolBrokenPath: NetPath = {
  id: 'loadBalancer:web/api:198.51.100.51:443',
  entry: { kind: 'loadBalancer', namespace: 'web', name: 'api', host: null, address: '198.51.100.51', port: 443, scheme: 'https' },
  hops: [
    client,
    hop({
      kind: 'loadBalancer',
      name: 'hetzner lb-api',
      address: '198.51.100.51',
      port: 443,
      ...SEES_CLIENT,
      objects: [{ kind: 'Service', namespace: 'web', name: 'api' }],
      details: { provider: 'cloud', cloud: 'hetzner', 'load-balancer.hetzner.cloud/uses-proxyprotocol': 'true' },
    }),
    nodeA({ port: 31001 }),
    hop({
      kind: 'pod',
      name: 'api-0',
      address: '10.244.1.30',
      port: 8443,
      expectedPeer: '198.51.100.51',
      expectedPeerRole: 'loadBalancer',
      clientAddressVia: 'proxy-protocol',
      believedClient: null,
      believedClientRole: 'none',
      objects: [{ kind: 'Pod', namespace: 'web', name: 'api-0' }],
      details: { node: 'wk-a' },
    }),
  ],
  verdict: 'broken',
  findings: [
    {
      severity: 'error',
      code: 'proxy-protocol-not-expected',
      message: 'The load balancer sends a PROXY protocol header but the pod does not expect one: every request fails.',
      fix: 'kubectl -n web annotate service api load-balancer.hetzner.cloud/uses-proxyprotocol-',
      tradeOff: 'Without PROXY protocol the pod sees the load balancer as client.',
      whatIf: 'service/web/api:annotation/load-balancer.hetzner.cloud/uses-proxyprotocol=false',
      hopId: 'pod:10.244.1.30',
    },
  ],
  appClient: { via: 'none', role: 'none', value: null },
};

export const egressPath: NetPath = {
  id: 'egress:default/shop-5f7d8',
  entry: { kind: 'egress', namespace: 'default', name: 'shop-5f7d8', host: null, address: null, port: null },
  hops: [
    hop({ kind: 'pod', name: 'shop-5f7d8', address: '10.244.1.10', believedClient: 'client', believedClientRole: 'pod', clientAddressVia: 'source' }),
    hop({
      kind: 'node',
      name: 'wk-a',
      address: '192.0.2.11',
      expectedPeer: '10.244.1.10',
      expectedPeerRole: 'pod',
      clientAddressVia: 'source',
      believedClient: '10.244.1.10',
      believedClientRole: 'pod',
      details: { natOutgoing: 'true' },
    }),
    hop({
      kind: 'external',
      name: 'api.partner.example',
      address: '203.0.113.200',
      expectedPeer: '192.0.2.11',
      expectedPeerRole: 'node',
      clientAddressVia: 'source',
      believedClient: '192.0.2.11',
      believedClientRole: 'node',
    }),
  ],
  verdict: 'lost',
  findings: [],
  appClient: { via: 'source', role: 'node', value: '192.0.2.11' },
};

export const samplePaths: PathsResponse = {
  source: { mode: 'demo', context: 'demo/bare-metal-metallb', server: '', scenario: 'bare-metal-metallb' },
  paths: [shopIngressPath, echoNodePortPath, proxyProtocolBrokenPath, egressPath],
  total: 4,
  whatIf: [],
  errors: [
    {
      resource: 'ipaddresspools.metallb.io',
      status: 403,
      message: 'forbidden',
      hint: 'grant list on ipaddresspools.metallb.io to the hopscope ServiceAccount',
      reason: 'forbidden',
    },
  ],
};

/** The shop path as probed: the pod saw a node address where the model predicted the client in X-Forwarded-For. */
export const shopTraceWithMismatch: PathTrace = {
  pathId: shopIngressPath.id,
  probes: [
    {
      id: 'probe-1',
      pathId: shopIngressPath.id,
      kind: 'direct',
      target: { address: '198.51.100.50', port: 443, host: 'shop.example.com', tls: true, label: 'VIP 198.51.100.50' },
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 12,
      outcome: 'ok',
      status: 200,
      observation: {
        format: 'hopscope',
        peer: '10.244.1.20',
        xForwardedFor: ['192.0.2.11'],
        xRealIp: '192.0.2.11',
        forwarded: [],
        proxyProtocol: null,
        echoPod: 'shop-5f7d8',
        echoNode: 'wk-a',
        host: 'shop.example.com',
        headers: [['x-forwarded-for', '192.0.2.11']],
      },
      raw: 'peer=10.244.1.20\nx-forwarded-for=192.0.2.11',
      error: null,
    },
  ],
  observed: [
    { hopId: 'ingressController:10.244.1.20', observedPeer: '192.0.2.11', observedPeerRole: 'node', via: 'source', matches: false },
    { hopId: 'pod:10.244.1.10', observedPeer: '10.244.1.20', observedPeerRole: 'ingressController', via: 'x-forwarded-for', matches: true },
  ],
  observedVerdict: 'lost',
  matchesPrediction: false,
  differences: ['ingress-nginx saw node wk-a (192.0.2.11) instead of the client: SNAT before the controller.'],
};
