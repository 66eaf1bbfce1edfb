// The rows of the real-packet lab (docs/lab.md): each row's measured outcome must be what the model predicts for
// the same topology (client 203.0.113.10 → LB 198.51.100.50 → node1 192.0.2.11 / node2 192.0.2.12 → pods).
// The lab's proxy LB is HAProxy; here it is an OpenStack Octavia LB whose annotations select the same listener
// (plain TCP, HTTP + X-Forwarded-For, PROXY v1 / v2); the lab's pass-through LB is a MetalLB L2 VIP.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenarioManifest } from '@/lib/demo/manifest';
import { normalizeInventory } from '@/lib/k8s/normalize';
import { rawObjectsFromManifest } from '@/lib/k8s/raw';
import { inClusterPredictor } from './vantage';
import type { AddressRole, ClusterInventory, IngressControllerSettings, ProbeOutcome, TrafficPolicy, Verdict } from '@/lib/types';
import { clusterIPFromPod, kubeExtFromInside, masqueradeOnNode, routedToPod } from './kubeproxy';
import { predictedObservation } from './observation';
import { buildPaths } from '@/lib/model';
import { LAB, endpoint, ingressSetup, inventory, labNodes, nginxSettings, node, pod, port, service } from '@/test/support/lab-inventory';
import type { ModelPath } from './types';

const OPENSTACK = [{ provider: 'cloud' as const, name: 'openstack', pools: [] }];
type Listener = 'tcp' | 'xff' | 'proxy-v1' | 'proxy-v2';
const LISTENER_ANNOTATIONS: Record<Listener, Record<string, string>> = {
  tcp: {},
  xff: { 'loadbalancer.openstack.org/x-forwarded-for': 'true' },
  'proxy-v1': { 'loadbalancer.openstack.org/proxy-protocol': 'true' },
  'proxy-v2': { 'loadbalancer.openstack.org/proxy-protocol': 'v2' },
};

/** echo behind NodePort 30080 (Cluster) or 30081 (Local), as in the lab's service table. */
function echoNodePort(policy: TrafficPolicy): ClusterInventory {
  const nodePort = policy === 'Cluster' ? 30080 : 30081;
  return inventory({ services: [service({ name: 'echo', type: 'NodePort', ports: [port(80, nodePort)], policy })] });
}

/** echo behind a load balancer: the lab's HAProxy listeners (Octavia) or its iptables DNAT VIP (MetalLB L2). */
function echoBehindLb(lb: Listener | { metallbAnnouncedBy: string }, policy: TrafficPolicy): ClusterInventory {
  const nodePort = policy === 'Cluster' ? 30080 : 30081;
  const common = { name: 'echo', type: 'LoadBalancer' as const, lbAddress: LAB.vip, ports: [port(80, nodePort)], policy };
  if (typeof lb === 'object') {
    return inventory({ services: [service({ ...common, provider: 'metallb', announcingNode: lb.metallbAnnouncedBy })] });
  }
  return inventory({ loadBalancers: OPENSTACK, services: [service({ ...common, annotations: LISTENER_ANNOTATIONS[lb] })] });
}

/** The lab's nginx variants: (a) realip from XFF trusting the LB, (b) proxy_protocol trusting the LB, (a') trust-all. */
const NGINX: Record<'a' | 'b' | "a'", IngressControllerSettings> = {
  a: nginxSettings({ useForwardedHeaders: true, trustedCIDRs: [`${LAB.lbInside}/32`] }),
  b: nginxSettings({ useProxyProtocol: true, trustedCIDRs: [`${LAB.lbInside}/32`] }),
  "a'": nginxSettings({ useForwardedHeaders: true, trustedCIDRs: ['0.0.0.0/0'] }),
};

function nginxBehind(listener: Listener | 'none', variant: keyof typeof NGINX, policy: TrafficPolicy): ClusterInventory {
  const nodePort = 30880;
  const setup = ingressSetup({
    controllerService:
      listener === 'none'
        ? { name: 'ingress-nginx-controller', type: 'NodePort', ports: [port(80, nodePort)], policy }
        : { name: 'ingress-nginx-controller', type: 'LoadBalancer', lbAddress: LAB.vip, ports: [port(80, nodePort)], policy, annotations: LISTENER_ANNOTATIONS[listener] },
    settings: NGINX[variant],
  });
  return inventory({ ...setup, loadBalancers: listener === 'none' ? [] : OPENSTACK });
}

const LB_INGRESS = (node: string) =>
  `ingress:default/echo:echo.example.test:echo@loadBalancer:ingress-nginx/ingress-nginx-controller:${LAB.vip}:80@${node}`;
const NODEPORT_INGRESS = 'ingress:default/echo:echo.example.test:echo@nodePort:ingress-nginx/ingress-nginx-controller:30880@node1';

interface Row {
  row: number;
  source: string;
  setup: () => ClusterInventory;
  pathId: string;
  probe?: 'direct' | 'spoof';
  outcome?: ProbeOutcome;
  verdict: Verdict;
  /** At the echo (the path's last hop). */
  app?: { peerRole: AddressRole; peer?: string | null; xffLast?: AddressRole | null; xRealIp?: AddressRole | null; proxySrc?: AddressRole | null };
  /** At the nginx hop. */
  controller?: { peerRole: AddressRole; peer?: string | null; believed: AddressRole; proxySrc?: AddressRole | null };
  finding?: string;
}

const ROWS: Row[] = [
  // docs/lab.md#row-1–#row-5 are single rules; see the dedicated tests below.
  { row: 6, source: 'Using Source IP §NodePort: SNAT to a node IP', setup: () => echoNodePort('Cluster'), pathId: 'nodePort:default/echo:30080@node1', verdict: 'lost', app: { peerRole: 'node', peer: LAB.node1 }, finding: 'snat-cluster-policy' },
  { row: 7, source: 'Using Source IP §NodePort: node2 replaces the source with its own IP', setup: () => echoNodePort('Cluster'), pathId: 'nodePort:default/echo:30080@node2', verdict: 'lost', app: { peerRole: 'node', peer: LAB.node2 }, finding: 'snat-cluster-policy' },
  { row: 8, source: 'Using Source IP §NodePort/Local: correct source IP', setup: () => echoNodePort('Local'), pathId: 'nodePort:default/echo:30081@node1', verdict: 'preserved', app: { peerRole: 'client', peer: null } },
  { row: 9, source: 'Using Source IP §NodePort/Local: no local endpoint ⇒ dropped', setup: () => echoNodePort('Local'), pathId: 'nodePort:default/echo:30081@node2', verdict: 'unreachable', outcome: 'timeout', finding: 'local-no-endpoint' },
  { row: 10, source: 'Using Source IP §LoadBalancer + Local', setup: () => echoBehindLb({ metallbAnnouncedBy: 'node1' }, 'Local'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node1`, verdict: 'preserved', app: { peerRole: 'client' } },
  { row: 11, source: 'Using Source IP §LoadBalancer: SNAT by default', setup: () => echoBehindLb({ metallbAnnouncedBy: 'node2' }, 'Cluster'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node2`, verdict: 'lost', app: { peerRole: 'node', peer: LAB.node2 }, finding: 'snat-cluster-policy' },
  { row: 12, source: 'Using Source IP §LoadBalancer/Local: node without endpoint drops', setup: () => echoBehindLb({ metallbAnnouncedBy: 'node2' }, 'Local'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node2`, verdict: 'unreachable', outcome: 'timeout', finding: 'local-no-endpoint' },
  { row: 13, source: 'Using Source IP §Cross-platform: source is the cloud LB', setup: () => echoBehindLb('tcp', 'Local'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node1`, verdict: 'lost', app: { peerRole: 'loadBalancer', xffLast: null, proxySrc: null }, finding: 'proxy-lb-hides-client' },
  { row: 14, source: 'proxy LB + Cluster SNAT ⇒ node2', setup: () => echoBehindLb('tcp', 'Cluster'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node2`, verdict: 'lost', app: { peerRole: 'node', peer: LAB.node2 }, finding: 'proxy-lb-hides-client' },
  { row: 15, source: 'Using Source IP §Cross-platform: X-Forwarded-For', setup: () => echoBehindLb('xff', 'Local'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node1`, verdict: 'header', app: { peerRole: 'loadBalancer', xffLast: 'client' } },
  { row: 16, source: 'Using Source IP §Cross-platform: PROXY v2', setup: () => echoBehindLb('proxy-v2', 'Local'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node1`, verdict: 'header', app: { peerRole: 'loadBalancer', proxySrc: 'client' } },
  { row: 17, source: 'PROXY v1 (docs/domain.md#s8)', setup: () => echoBehindLb('proxy-v1', 'Local'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node1`, verdict: 'header', app: { peerRole: 'loadBalancer', proxySrc: 'client' } },
  { row: 18, source: 'spoofed XFF line survives; the last one is the LB\'s', setup: () => echoBehindLb('xff', 'Local'), pathId: `loadBalancer:default/echo:${LAB.vip}:80@node1`, probe: 'spoof', verdict: 'header', app: { peerRole: 'loadBalancer', xffLast: 'client' } },
  { row: 19, source: 'nginx realip trusts XFF from the LB', setup: () => nginxBehind('xff', 'a', 'Local'), pathId: LB_INGRESS('node1'), verdict: 'header', app: { peerRole: 'ingressController', peer: LAB.ingressPod, xffLast: 'client', xRealIp: 'client' }, controller: { peerRole: 'loadBalancer', believed: 'client' } },
  { row: 20, source: 'nginx proxy_protocol + real_ip_header proxy_protocol', setup: () => nginxBehind('proxy-v2', 'b', 'Local'), pathId: LB_INGRESS('node1'), verdict: 'header', app: { peerRole: 'ingressController', xffLast: 'client', xRealIp: 'client' }, controller: { peerRole: 'loadBalancer', believed: 'client', proxySrc: 'client' } },
  { row: 21, source: 'PROXY v2 into a port without proxy_protocol ⇒ 400', setup: () => nginxBehind('proxy-v2', 'a', 'Local'), pathId: LB_INGRESS('node1'), verdict: 'broken', outcome: 'http-error', finding: 'proxy-protocol-not-expected' },
  { row: 22, source: 'Cluster SNAT makes the peer node2 ⇒ realip refuses XFF', setup: () => nginxBehind('xff', 'a', 'Cluster'), pathId: LB_INGRESS('node2'), verdict: 'lost', app: { peerRole: 'ingressController', xffLast: 'node', xRealIp: 'node' }, controller: { peerRole: 'node', peer: LAB.node2, believed: 'node' }, finding: 'trusted-proxy-snat-mismatch' },
  { row: 23, source: 'PROXY survives SNAT but realip refuses it (peer node2)', setup: () => nginxBehind('proxy-v2', 'b', 'Cluster'), pathId: LB_INGRESS('node2'), verdict: 'lost', app: { peerRole: 'ingressController', xffLast: 'node', xRealIp: 'node' }, controller: { peerRole: 'node', peer: LAB.node2, believed: 'node', proxySrc: 'client' }, finding: 'trusted-proxy-snat-mismatch' },
  { row: 24, source: 'SPOOF through the LB: realip takes the LB-added entry', setup: () => nginxBehind('xff', 'a', 'Local'), pathId: LB_INGRESS('node1'), probe: 'spoof', verdict: 'header', app: { peerRole: 'ingressController', xffLast: 'client', xRealIp: 'client' }, controller: { peerRole: 'loadBalancer', believed: 'client' } },
  { row: 25, source: 'SPOOF through the LB, trust-all + recursive ⇒ fooled', setup: () => nginxBehind('xff', "a'", 'Local'), pathId: LB_INGRESS('node1'), probe: 'spoof', verdict: 'spoofable', app: { peerRole: 'ingressController', xffLast: 'attacker', xRealIp: 'attacker' }, controller: { peerRole: 'loadBalancer', believed: 'attacker' }, finding: 'forwarded-headers-trust-all' },
  { row: 26, source: 'SPOOF straight to the NodePort: peer is the untrusted client', setup: () => nginxBehind('none', 'a', 'Local'), pathId: NODEPORT_INGRESS, probe: 'spoof', verdict: 'header', app: { peerRole: 'ingressController', xffLast: 'client', xRealIp: 'client' }, controller: { peerRole: 'client', believed: 'client' } },
  { row: 27, source: 'SPOOF straight to the NodePort, trust-all ⇒ fooled', setup: () => nginxBehind('none', "a'", 'Local'), pathId: NODEPORT_INGRESS, probe: 'spoof', verdict: 'spoofable', app: { peerRole: 'ingressController', xffLast: 'attacker', xRealIp: 'attacker' }, controller: { peerRole: 'client', believed: 'attacker' }, finding: 'forwarded-headers-trust-all' },
  { row: 28, source: 'forged PROXY straight to the NodePort: realip not fooled, $proxy_protocol_addr is', setup: () => nginxBehind('none', 'b', 'Local'), pathId: NODEPORT_INGRESS, probe: 'spoof', verdict: 'broken', app: { peerRole: 'ingressController', xffLast: 'client', xRealIp: 'client' }, controller: { peerRole: 'client', believed: 'client', proxySrc: 'attacker' } },
  { row: 29, source: 'plain HTTP into a proxy_protocol port ⇒ broken header, closed', setup: () => nginxBehind('none', 'b', 'Local'), pathId: NODEPORT_INGRESS, verdict: 'broken', outcome: 'empty-reply', finding: 'proxy-protocol-not-sent' },
];

function pathOf(inv: ClusterInventory, id: string): ModelPath {
  const path = buildPaths(inv).find((p) => p.id === id);
  if (!path) throw new Error(`no path ${id} among ${buildPaths(inv).map((p) => p.id).join(', ')}`);
  return path;
}

describe('docs/lab.md#row-6–#row-29: the model predicts what the real-packet lab measured', () => {
  it.each(ROWS)('row $row — $source', (r) => {
    const path = pathOf(r.setup(), r.pathId);
    const observation = predictedObservation(path, r.probe ?? 'direct');
    expect(path.verdict).toBe(r.verdict);
    expect(observation.outcome).toBe(r.probe === 'spoof' ? 'ok' : (r.outcome ?? 'ok'));
    if (r.app) {
      const app = observation.final!;
      expect(app.reached).toBe(true);
      expect(app.peerRole).toBe(r.app.peerRole);
      if (r.app.peer !== undefined) expect(app.peerAddress).toBe(r.app.peer);
      if (r.app.xffLast !== undefined) expect(app.xForwardedForLastRole).toBe(r.app.xffLast);
      if (r.app.xRealIp !== undefined) expect(app.xRealIpRole).toBe(r.app.xRealIp);
      if (r.app.proxySrc !== undefined) expect(app.proxyProtocolSrcRole).toBe(r.app.proxySrc);
    }
    if (r.controller) {
      const nginx = observation.hops.find((h) => h.kind === 'ingressController')!;
      expect(nginx.peerRole).toBe(r.controller.peerRole);
      if (r.controller.peer !== undefined) expect(nginx.peerAddress).toBe(r.controller.peer);
      expect(nginx.believedRole).toBe(r.controller.believed);
      if (r.controller.proxySrc !== undefined) expect(nginx.proxyProtocolSrcRole).toBe(r.controller.proxySrc);
    }
    if (r.finding) expect(path.findings.map((f) => f.code)).toContain(r.finding);
  });

  it('covers every row of the lab table', () => {
    const covered = new Set([...ROWS.map((r) => r.row), 1, 2, 3, 4, 5]);
    expect([...covered].sort((a, b) => a - b)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
  });
});

describe('docs/lab.md#row-1–#row-5: pod network and ClusterIP rules', () => {
  const echoEndpoint = endpoint(LAB.echoPod, 'node1');
  const [node1] = labNodes();
  const caller = { role: 'client' as const, address: LAB.clientPod };

  it('docs/lab.md#row-1 — pod → pod IP across nodes keeps the pod address (no NAT in the pod network)', () => {
    expect(routedToPod(caller)).toEqual(caller);
  });

  it('docs/lab.md#row-2 — ClusterIP from a pod on another node: never SNAT\'d (Using Source IP §ClusterIP)', () => {
    expect(clusterIPFromPod(LAB.clientPod, echoEndpoint, node1!, caller)).toEqual(caller);
    const path = pathOf(inventory({ services: [service({ name: 'echo' })] }), 'clusterIP:default/echo:80');
    expect(path.verdict).toBe('preserved');
    expect(path.hops.at(-1)).toMatchObject({ kind: 'pod', expectedPeer: 'client', clientAddressVia: 'source' });
  });

  it('docs/lab.md#row-3 — ClusterIP from a pod on the same node: the calling pod', () => {
    const sameNode = { role: 'client' as const, address: LAB.ingressPod };
    expect(clusterIPFromPod(LAB.ingressPod, echoEndpoint, node1!, sameNode)).toEqual(sameNode);
  });

  it('docs/lab.md#row-4 — hairpin (the echo pod calling its own Service) is masqueraded to node1', () => {
    const self = { role: 'client' as const, address: LAB.echoPod };
    expect(clusterIPFromPod(LAB.echoPod, echoEndpoint, node1!, self)).toEqual({ role: 'node', address: LAB.node1 });
    const path = pathOf(inventory({ services: [service({ name: 'echo' })] }), 'clusterIP:default/echo:80');
    expect(path.findings.map((f) => f.code)).toContain('hairpin-snat');
  });

  it('docs/lab.md#row-5 — a routed client reaching a pod (here through a hostPort, docs/sources.md#seed-001) keeps its address', () => {
    const inv = inventory({
      pods: [pod('default', 'influxdb', LAB.echoPod, 'node1', { hostPorts: [{ containerName: 'influxdb', containerPort: 8086, hostPort: 8086, protocol: 'TCP' }] })],
    });
    const path = pathOf(inv, 'hostPort:default/influxdb:8086');
    expect(path.verdict).toBe('preserved');
    expect(path.hops.map((h) => h.kind)).toEqual(['client', 'node', 'pod']);
    expect(path.hops.at(-1)?.expectedPeer).toBe('client');
  });
});

/** The repository lab's own objects (scenarios/lab.yaml) through the real normaliser, as hopscope discovers them. */
function labScenario(): ClusterInventory {
  const manifest = parseScenarioManifest(readFileSync(path.join(import.meta.dirname, '..', '..', 'scenarios', 'lab.yaml'), 'utf8'), 'lab.yaml');
  return normalizeInventory(rawObjectsFromManifest(manifest.objects), {
    source: { mode: 'demo', context: 'demo/lab', server: '', scenario: 'lab' },
    errors: [],
    discoveredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 0,
  });
}

/** The lab's prober: the hopscope pod on node2 (e2e/lab/lab.ts). */
const PROBER = { node: 'node2', address: '10.244.2.30' };

interface LabRow {
  row: number;
  source: string;
  pathId: string;
  outside: { verdict: Verdict; outcome: ProbeOutcome; peer?: string; believed?: AddressRole; forged?: AddressRole };
  inCluster?: { verdict: Verdict; outcome: ProbeOutcome; believed?: AddressRole };
  finding?: string;
}

const LAB_ROWS: LabRow[] = [
  // docs/domain.md#s2.12, #src-S81: node3 (flannel) masquerades towards its own cni0 bridge, whose address is the gateway.
  { row: 43, source: 'bridge CNI, endpoint on the masquerading node ⇒ cni0 gateway', pathId: 'nodePort:lab/echo-bridge:30085@node3', outside: { verdict: 'lost', outcome: 'ok', peer: '10.244.3.1' }, inCluster: { verdict: 'lost', outcome: 'ok' }, finding: 'snat-cluster-policy' },
  // docs/domain.md#s2.12, #src-S82: flannel host-gw routes another node's pod CIDR over the node interface.
  { row: 44, source: 'bridge CNI (host-gw), endpoint on another node ⇒ the node address', pathId: 'nodePort:lab/echo-nodeport-cluster:30080@node3', outside: { verdict: 'lost', outcome: 'ok', peer: '192.0.2.13' } },
  // docs/lab.md#row-6: a routed CNI without a bridge keeps writing the node address.
  { row: 45, source: 'Calico node, endpoint on the bridge node ⇒ the node address', pathId: 'nodePort:lab/echo-bridge:30085@node1', outside: { verdict: 'lost', outcome: 'ok', peer: '192.0.2.11' }, inCluster: { verdict: 'lost', outcome: 'ok' } },
  // docs/domain.md#s8.1: a server that does not read PROXY takes the preamble for a request line.
  { row: 46, source: 'PROXY v2 into a plain node:http app ⇒ 400', pathId: 'loadBalancer:lab/app-plain:198.51.100.55:80@node1', outside: { verdict: 'broken', outcome: 'http-error' }, inCluster: { verdict: 'broken', outcome: 'http-error' } },
  // docs/domain.md#s2.5 (internalTrafficPolicy): node2 has no local endpoint and drops.
  { row: 47, source: 'internalTrafficPolicy Local, prober on a node without an endpoint ⇒ dropped', pathId: 'clusterIP:lab/echo-itp-local:80', outside: { verdict: 'preserved', outcome: 'ok' }, inCluster: { verdict: 'unreachable', outcome: 'timeout' }, finding: 'internal-traffic-local' },
  // docs/domain.md#s6.1.1: the PROXY address (the outside client) is not in proxy-real-ip-cidr ⇒ nginx takes it.
  { row: 48, source: 'ingress-nginx ≥ 1.13, PROXY + forwarded headers, untrusted PROXY address ⇒ the PROXY address', pathId: 'loadBalancer:ingress-nginx/ingress-ppx:198.51.100.56:80@node1', outside: { verdict: 'header', outcome: 'ok', believed: 'client', forged: 'client' } },
  // docs/domain.md#s6.1.1: the pod arrives at HAProxy as node2, inside proxy-real-ip-cidr ⇒ X-Forwarded-For is read.
  { row: 49, source: 'ingress-nginx ≥ 1.13, trusted PROXY address ⇒ X-Forwarded-For (absent: the LB)', pathId: 'loadBalancer:ingress-nginx/ingress-ppx:198.51.100.56:80@node1', outside: { verdict: 'header', outcome: 'ok' }, inCluster: { verdict: 'spoofable', outcome: 'ok', believed: 'loadBalancer' } },
  // docs/domain.md#s5: ServiceLB publishes the node's own address; kube-proxy takes it, then the bridge address of docs/domain.md#s2.12.
  { row: 50, source: 'k3s ServiceLB on the bridge node, Cluster ⇒ the cni0 gateway', pathId: 'loadBalancer:lab/echo-svclb:192.0.2.13:8081@node3', outside: { verdict: 'lost', outcome: 'ok', peer: '10.244.3.1' }, inCluster: { verdict: 'lost', outcome: 'ok' }, finding: 'snat-cluster-policy' },
  { row: 51, source: 'k3s ServiceLB on the bridge node, Local ⇒ the client', pathId: 'loadBalancer:lab/echo-svclb-local:192.0.2.13:8082@node3', outside: { verdict: 'preserved', outcome: 'ok' }, inCluster: { verdict: 'preserved', outcome: 'ok' } },
];

describe('docs/lab.md#row-43–#row-53: the model on the repository lab\'s own objects predicts what its packets did', () => {
  const inv = labScenario();
  const paths = buildPaths(inv);
  const predict = inClusterPredictor(inv);

  it.each(LAB_ROWS)('row $row — $source', (r) => {
    const path = paths.find((p) => p.id === r.pathId);
    if (!path) throw new Error(`no path ${r.pathId} among ${paths.map((p) => p.id).join(', ')}`);
    const direct = predictedObservation(path, 'direct');
    expect({ verdict: path.verdict, outcome: direct.outcome }).toEqual({ verdict: r.outside.verdict, outcome: r.outside.outcome });
    if (r.outside.peer) expect(direct.final?.peerAddress).toBe(r.outside.peer);
    if (r.outside.believed) expect(direct.hops.find((h) => h.kind === 'ingressController')?.believedRole).toBe(r.outside.believed);
    if (r.outside.forged) expect(predictedObservation(path, 'spoof').hops.find((h) => h.kind === 'ingressController')?.believedRole).toBe(r.outside.forged);
    if (r.inCluster) {
      const inside = predict(r.pathId, PROBER);
      expect({ verdict: inside?.verdict, outcome: inside?.expectedOutcome }).toEqual({ verdict: r.inCluster.verdict, outcome: r.inCluster.outcome });
      if (r.inCluster.believed) expect(inside?.believedRole).toBe(r.inCluster.believed);
    }
    if (r.finding) expect(path.findings.map((f) => f.code)).toContain(r.finding);
  });

  it('docs/lab.md#row-47 — a prober on node1, where the endpoint is, reaches the ClusterIP with its own address', () => {
    expect(predict('clusterIP:lab/echo-itp-local:80', { node: 'node1', address: '10.244.1.20' })).toMatchObject({ verdict: 'preserved', expectedOutcome: 'ok', peerRole: 'client' });
  });

  it('docs/lab.md#row-52, #row-53 — from a pod on the bridge node, the masquerade to its own node and the hairpin write cni0\'s address', () => {
    const node3 = inv.nodes.find((n) => n.name === 'node3')!;
    const svc = inv.services.find((s) => s.name === 'echo-bridge')!;
    const from = { self: { role: 'client' as const, address: '10.244.3.20' }, node: node3, hostNetwork: false, podTraffic: true, cni: inv.cni };
    expect(kubeExtFromInside('Cluster', svc, from)).toEqual({ action: 'forward', peer: { role: 'node', address: '10.244.3.1' }, rule: 'masquerade' });
    const self = { role: 'client' as const, address: '10.244.3.10' };
    expect(clusterIPFromPod('10.244.3.10', svc.endpoints[0]!, node3, self, inv.cni)).toEqual({ role: 'node', address: '10.244.3.1' });
    // The Calico nodes keep their own address (docs/lab.md#row-4).
    const node1 = inv.nodes.find((n) => n.name === 'node1')!;
    expect(clusterIPFromPod(LAB.echoPod, endpoint(LAB.echoPod, 'node1'), node1, { role: 'client', address: LAB.echoPod }, inv.cni)).toEqual({ role: 'node', address: LAB.node1 });
  });

  it('docs/lab.md#row-43–#row-45 — the node hop says which address the masquerade writes and why', () => {
    const snat = (id: string) => paths.find((p) => p.id === id)?.hops.find((h) => h.kind === 'node')?.details;
    expect(snat('nodePort:lab/echo-bridge:30085@node3')).toMatchObject({ SNAT: 'to 10.244.3.1', 'SNAT address': expect.stringContaining('cni0') });
    expect(snat('nodePort:lab/echo-nodeport-cluster:30080@node3')).toMatchObject({ SNAT: 'to 192.0.2.13', 'SNAT address': expect.stringContaining('host-gw') });
    expect(snat('nodePort:lab/echo-bridge:30085@node1')).toMatchObject({ SNAT: 'to 192.0.2.11', 'SNAT address': expect.stringContaining('calico') });
  });
});

describe('docs/domain.md#s2.12: the address kube-proxy\'s masquerade writes, by the node\'s CNI', () => {
  const node3 = node('node3', '192.0.2.13', { podCIDRs: ['10.244.3.0/24'] });
  const flannel = (backend: string | null) => ({ name: 'calico', natOutgoing: true, nodes: [{ node: 'node3', name: 'flannel', backend }] });
  it.each([
    // CNI, endpoint node, address, assumed?
    ['flannel, local endpoint (cni0 gateway, #src-S81)', flannel('vxlan'), 'node3', '10.244.3.1', false],
    ['flannel VXLAN, remote endpoint (flannel.1 = lease network address, #src-S80)', flannel('vxlan'), 'node1', '10.244.3.0', false],
    ['flannel host-gw, remote endpoint (node interface, #src-S82)', flannel('host-gw'), 'node1', '192.0.2.13', false],
    ['flannel, backend not annotated, remote endpoint', flannel(null), 'node1', '192.0.2.13', true],
    ['calico, local endpoint (docs/lab.md#row-6)', { name: 'calico', natOutgoing: true }, 'node3', '192.0.2.13', false],
    ['cluster-wide flannel, no per-node entry, local endpoint', { name: 'flannel', natOutgoing: true }, 'node3', '10.244.3.1', false],
    ['unknown CNI, local endpoint', { name: 'unknown', natOutgoing: null }, 'node3', '192.0.2.13', true],
  ] as const)('%s ⇒ %s', (_what, cni, endpointNode, expected, assumed) => {
    const m = masqueradeOnNode({ ...cni, nodes: 'nodes' in cni ? [...cni.nodes] : undefined }, node3, endpointNode);
    expect(m.peer).toEqual({ role: 'node', address: expected });
    expect(m.why.startsWith('assumed')).toBe(assumed);
  });

  it('flannel on a node without a pod CIDR: the node address, said to be assumed', () => {
    const m = masqueradeOnNode(flannel('vxlan'), { ...node3, podCIDRs: [] }, 'node3');
    expect(m).toMatchObject({ peer: { role: 'node', address: '192.0.2.13' }, why: expect.stringMatching(/^assumed/) });
  });
});
