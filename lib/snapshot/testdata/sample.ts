import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hopInfo, nodeInfo, podInfo, SEES_CLIENT, serviceInfo } from '@/lib/testing/inventory';
import type { ClusterInventory, NetPath, TraceRun } from '@/lib/types';
import { newSnapshotId } from '../ids';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../schema';

// A bare-metal cluster: MetalLB L2 VIP announced by wk-a, ingress-nginx behind it with externalTrafficPolicy Local,
// a shop Service with two pods (one dual-stack). Every address that appears anywhere is listed in SAMPLE_ADDRESSES.

const echoserverOutput = readFileSync(path.join(import.meta.dirname, 'echoserver-1.10-output.txt'), 'utf8');

/** Every address written into the sample (the echoserver text brings 172.17.0.1 and 192.168.99.100). */
export const SAMPLE_ADDRESSES = [
  '203.0.113.7',
  '198.51.100.50',
  '198.51.100.60',
  '192.0.2.10',
  '192.0.2.11',
  '192.0.2.12',
  '192.0.2.1',
  '10.244.1.20',
  '10.244.1.5',
  '10.244.2.6',
  '10.244.0.0',
  '10.96.12.34',
  '10.96.40.1',
  '2001:db8::6',
  '172.17.0.1',
  '192.168.99.100',
] as const;

/** Node names of the sample; nodeB's name embeds its address the way AWS hostnames do. */
export const SAMPLE_NODE_NAMES = ['cp-1', 'wk-a', 'ip-192-0-2-12.ec2.internal'] as const;

const node = (name: string, internalIP: string, roles: string[]) =>
  nodeInfo({ name, internalIP, roles, excludeFromExternalLB: roles.includes('control-plane'), labels: { 'kubernetes.io/hostname': name } });

const ingressController = {
  id: 'ingress-nginx/ingress-nginx/ingress-nginx-controller',
  kind: 'ingress-nginx' as const,
  namespace: 'ingress-nginx',
  service: 'ingress-nginx-controller',
  settings: {
    useForwardedHeaders: false,
    useProxyProtocol: false,
    computeFullForwardedFor: false,
    trustedCIDRs: ['10.244.0.0/16', '0.0.0.0/0'],
    origin: 'ConfigMap ingress-nginx/ingress-nginx-controller',
  },
  ingressClasses: ['nginx'],
  pods: [{ namespace: 'ingress-nginx', name: 'ingress-nginx-controller-7c9f', ip: '10.244.1.20', nodeName: 'wk-a', ready: true }],
  configMap: 'ingress-nginx/ingress-nginx-controller',
};

export const sampleInventory: ClusterInventory = {
  source: { mode: 'kubeconfig', context: 'lab', server: 'https://192.0.2.10:6443' },
  kubeProxy: { mode: 'iptables', source: 'configmap', clusterCIDR: '10.244.0.0/16' },
  nodes: [
    node('cp-1', '192.0.2.10', ['control-plane']),
    node('wk-a', '192.0.2.11', ['worker']),
    node('ip-192-0-2-12.ec2.internal', '192.0.2.12', ['worker']),
  ],
  loadBalancers: [
    {
      provider: 'metallb',
      pools: [{ name: 'public', addresses: ['198.51.100.50-198.51.100.60'], mode: 'layer2', origin: 'crd' }],
    },
  ],
  services: [
    serviceInfo({
      namespace: 'ingress-nginx',
      name: 'ingress-nginx-controller',
      type: 'LoadBalancer',
      clusterIP: '10.96.40.1',
      clusterIPs: ['10.96.40.1'],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32001,
      loadBalancerIPs: ['198.51.100.50'],
      loadBalancerIngress: [{ ip: '198.51.100.50', ipMode: 'VIP' }],
      announcingNode: 'wk-a',
      loadBalancerProvider: 'metallb',
      loadBalancerPool: 'public',
      ports: [{ name: 'https', port: 443, nodePort: 31543, targetPort: 'https', protocol: 'TCP' }],
      endpoints: [{ ip: '10.244.1.20', nodeName: 'wk-a', ready: true }],
      selector: { 'app.kubernetes.io/name': 'ingress-nginx' },
      annotations: { 'metallb.io/ip-allocated-from-pool': 'public' },
    }),
    serviceInfo({
      namespace: 'shop',
      name: 'shop',
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      ports: [{ name: 'http', port: 80, nodePort: null, targetPort: 8080, protocol: 'TCP' }],
      endpoints: [
        { ip: '10.244.1.5', nodeName: 'wk-a', ready: true },
        { ip: '10.244.2.6', nodeName: 'ip-192-0-2-12.ec2.internal', ready: true },
        { ip: '2001:db8::6', nodeName: 'ip-192-0-2-12.ec2.internal', ready: true },
      ],
      selector: { app: 'shop' },
    }),
  ],
  ingresses: [
    {
      namespace: 'shop',
      name: 'shop',
      className: 'nginx',
      hosts: ['shop.example.com'],
      tls: true,
      tlsHosts: ['shop.example.com'],
      addresses: ['198.51.100.50'],
      backends: [{ host: 'shop.example.com', path: '/', serviceName: 'shop', servicePort: 80 }],
      controller: ingressController,
    },
  ],
  ingressControllers: [ingressController],
  pods: [
    podInfo({
      namespace: 'shop',
      name: 'shop-5d8f7-abcde',
      ip: '10.244.1.5',
      nodeName: 'wk-a',
      roles: ['echo'],
      hostIP: '192.0.2.11',
      labels: { app: 'shop' },
      images: ['ghcr.io/hopscope/echo:0.1.0'],
    }),
  ],
  cni: { name: 'flannel', natOutgoing: true },
  errors: [
    {
      resource: 'servicel2statuses.metallb.io',
      status: 0,
      message: 'dial tcp 192.0.2.1:7472: connect: connection refused',
      hint: 'check the MetalLB speaker',
      reason: 'unreachable',
    },
  ],
  discoveredAt: '2025-01-15T10:00:00.000Z',
  durationMs: 42,
};

export const samplePath: NetPath = {
  id: 'ingress:shop/shop:shop.example.com',
  entry: { kind: 'ingress', namespace: 'shop', name: 'shop', host: 'shop.example.com', address: '198.51.100.50', port: 443, scheme: 'https' },
  hops: [
    hopInfo({
      id: 'client:client',
      kind: 'client',
      name: 'client',
      address: '203.0.113.7',
      clientAddressVia: 'source',
      believedClient: 'client',
      believedClientRole: 'client',
    }),
    hopInfo({
      id: 'loadBalancer:198.51.100.50',
      kind: 'loadBalancer',
      name: 'MetalLB VIP 198.51.100.50',
      address: '198.51.100.50',
      port: 443,
      ...SEES_CLIENT,
      objects: [{ kind: 'IPAddressPool', namespace: 'metallb-system', name: 'public' }],
      details: { announcingNode: 'wk-a' },
    }),
    hopInfo({
      id: 'node:wk-a',
      kind: 'node',
      name: 'wk-a',
      address: '192.0.2.11',
      port: 31543,
      ...SEES_CLIENT,
      objects: [{ kind: 'Node', name: 'wk-a' }],
      details: { externalTrafficPolicy: 'Local', SNAT: 'no' },
    }),
    hopInfo({
      id: 'ingressController:ingress-nginx/ingress-nginx-controller-7c9f',
      kind: 'ingressController',
      name: 'ingress-nginx-controller-7c9f',
      address: '10.244.1.20',
      port: 443,
      ...SEES_CLIENT,
      objects: [{ kind: 'Pod', namespace: 'ingress-nginx', name: 'ingress-nginx-controller-7c9f' }],
      details: { 'proxy-real-ip-cidr': '10.244.0.0/16,0.0.0.0/0' },
    }),
    hopInfo({
      id: 'pod:shop/shop-5d8f7-abcde',
      kind: 'pod',
      name: 'shop-5d8f7-abcde',
      address: '10.244.1.5',
      port: 8080,
      expectedPeer: '10.244.1.20',
      expectedPeerRole: 'ingressController',
      clientAddressVia: 'x-forwarded-for',
      believedClient: 'client',
      believedClientRole: 'client',
      objects: [{ kind: 'Pod', namespace: 'shop', name: 'shop-5d8f7-abcde' }],
    }),
  ],
  verdict: 'header',
  findings: [
    {
      severity: 'info',
      code: 'proxy-lb-hides-client',
      message: 'the pod sees 10.244.1.20 (ingress-nginx on wk-a) and the client 203.0.113.7 in X-Forwarded-For',
      fix: null,
      hopId: 'pod:shop/shop-5d8f7-abcde',
    },
  ],
  appClient: { via: 'x-forwarded-for', role: 'client', value: 'client' },
};

export const sampleTrace: TraceRun = {
  id: 'trace-1',
  startedAt: '2025-01-15T10:00:01.000Z',
  finishedAt: '2025-01-15T10:00:02.000Z',
  simulated: false,
  prober: { inCluster: false, address: '203.0.113.7', note: 'probed from outside the cluster' },
  paths: [
    {
      pathId: samplePath.id,
      probes: [
        {
          id: 'probe-1',
          pathId: samplePath.id,
          kind: 'direct',
          target: { address: '198.51.100.50', port: 443, host: 'shop.example.com', tls: true, label: 'VIP 198.51.100.50' },
          startedAt: '2025-01-15T10:00:01.100Z',
          durationMs: 12,
          outcome: 'ok',
          status: 200,
          observation: {
            format: 'echoserver',
            peer: '10.244.1.20',
            peerPort: 41040,
            local: '[2001:db8::6]:8080',
            xForwardedFor: ['203.0.113.7'],
            xRealIp: '203.0.113.7',
            forwarded: ['for=203.0.113.7;proto=https'],
            proxyProtocol: null,
            echoPod: 'shop-5d8f7-abcde',
            echoNode: 'wk-a',
            host: 'shop.example.com',
            headers: [
              ['x-forwarded-for', '203.0.113.7'],
              ['x-real-ip', '203.0.113.7'],
            ],
          },
          raw: echoserverOutput,
          error: null,
        },
      ],
      observed: [
        { hopId: 'pod:shop/shop-5d8f7-abcde', observedPeer: '10.244.1.20', observedPeerRole: 'ingressController', via: 'x-forwarded-for', matches: true },
      ],
      observedVerdict: 'header',
      matchesPrediction: true,
      differences: [],
    },
  ],
};

/** A complete, valid snapshot of the sample cluster; each call gets a fresh id. */
export function sampleSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    id: newSnapshotId(),
    createdAt: '2025-01-15T10:00:03.000Z',
    storedAt: new Date().toISOString(),
    appVersion: '0.1.0',
    context: 'lab',
    sourceMode: 'kubeconfig',
    redacted: false,
    entry: samplePath.id,
    inventory: sampleInventory,
    paths: [samplePath],
    whatIf: [],
    trace: sampleTrace,
    ...overrides,
  };
}
