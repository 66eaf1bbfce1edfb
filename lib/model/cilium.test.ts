// Cilium's eBPF load balancer in place of kube-proxy, per bpf-lb-mode × externalTrafficPolicy × protocol, as Cilium's
// "Kubernetes Without kube-proxy" guide documents it (docs/domain.md#s2.10.2, #src-S60, #src-S61): SNAT masquerades
// to the receiving node only when the backend is on another node, DSR keeps the client for TCP and UDP, hybrid is
// DSR for TCP and SNAT for UDP, Local keeps the client on a node with a backend and drops elsewhere.
import { describe, expect, it } from 'vitest';
import { buildPaths } from '@/lib/model';
import type { CiliumInfo, CiliumLbMode, ServiceInfo, TrafficPolicy, Verdict } from '@/lib/types';
import { ciliumForwarding, dsrConfigRejection, nodeProxyOf } from './cilium';
import { LAB, endpoint, inventory, service } from '@/test/support/lab-inventory';

const cilium = (overrides: Partial<CiliumInfo> = {}): CiliumInfo => ({
  configMap: 'kube-system/cilium-config',
  kubeProxyReplacement: 'true',
  replacesKubeProxy: true,
  lbMode: 'snat',
  lbModeAnnotation: false,
  dsrDispatch: 'opt',
  routingMode: 'native',
  tunnelProtocol: 'vxlan',
  enableHealthCheckNodePort: true,
  assumed: [],
  ...overrides,
});

/** A NodePort Service whose only backend runs on node1, reached on `nodeName`. */
function nodePortPath(info: CiliumInfo | null, policy: TrafficPolicy, protocol: string, nodeName: string, annotations: Record<string, string> = {}) {
  const svc: ServiceInfo = {
    ...service({ name: 'echo', type: 'NodePort', policy, endpoints: [endpoint(LAB.echoPod, 'node1')], annotations }),
    ports: [{ name: 'echo', port: 80, nodePort: 30080, targetPort: 8080, protocol }],
  };
  const inv = inventory({ kubeProxy: { mode: 'none', source: 'unknown', clusterCIDR: null }, services: [svc], ...(info ? { cilium: info } : {}) });
  const path = buildPaths(inv).find((p) => p.id === `nodePort:default/echo:30080@${nodeName}`);
  if (!path) throw new Error(`no NodePort path through ${nodeName}`);
  return path;
}

type Case = [mode: CiliumLbMode, policy: TrafficPolicy, protocol: 'TCP' | 'UDP', node: 'node1' | 'node2', verdict: Verdict, peer: string];

// node2 has no backend: the request is forwarded to node1 (Cluster) or dropped (Local). node1 has the backend.
const CASES: Case[] = [
  ['snat', 'Cluster', 'TCP', 'node2', 'lost', LAB.node2],
  ['snat', 'Cluster', 'UDP', 'node2', 'lost', LAB.node2],
  ['snat', 'Cluster', 'TCP', 'node1', 'preserved', 'client'],
  ['dsr', 'Cluster', 'TCP', 'node2', 'preserved', 'client'],
  ['dsr', 'Cluster', 'UDP', 'node2', 'preserved', 'client'],
  ['hybrid', 'Cluster', 'TCP', 'node2', 'preserved', 'client'],
  ['hybrid', 'Cluster', 'UDP', 'node2', 'lost', LAB.node2],
  ['snat', 'Local', 'TCP', 'node1', 'preserved', 'client'],
  ['dsr', 'Local', 'UDP', 'node1', 'preserved', 'client'],
  ['hybrid', 'Local', 'UDP', 'node1', 'preserved', 'client'],
  ['snat', 'Local', 'TCP', 'node2', 'unreachable', ''],
  ['dsr', 'Local', 'TCP', 'node2', 'unreachable', ''],
  ['hybrid', 'Local', 'UDP', 'node2', 'unreachable', ''],
];

describe("Cilium's load balancer on the node hop (docs/domain.md#s2.10.2)", () => {
  it.each(CASES)('bpf-lb-mode %s, %s, %s via %s ⇒ %s', (mode, policy, protocol, nodeName, verdict, peer) => {
    const path = nodePortPath(cilium({ lbMode: mode }), policy, protocol, nodeName);
    expect(path.verdict).toBe(verdict);
    const nodeHop = path.hops.find((h) => h.kind === 'node')!;
    expect(nodeHop.name).toBe(`${nodeName} (Cilium eBPF)`);
    expect(nodeHop.details['service proxy']).toMatch(/^Cilium eBPF load balancer/);
    expect(nodeHop.details['kube-proxy mode']).toBeUndefined();
    if (verdict === 'unreachable') return;
    expect(path.hops.find((h) => h.kind === 'pod')!.expectedPeer).toBe(peer);
    const codes = path.findings.map((f) => f.code);
    expect(codes.includes('cilium-snat-mode')).toBe(verdict === 'lost');
    expect(codes).not.toContain('snat-cluster-policy');
  });

  it('names the hybrid protocol and the DSR dispatch it forwards with', () => {
    const tcp = nodePortPath(cilium({ lbMode: 'hybrid', dsrDispatch: 'geneve' }), 'Cluster', 'TCP', 'node2').hops.find((h) => h.kind === 'node')!;
    expect(tcp.details).toMatchObject({ forwarding: 'DSR, dispatch geneve', 'set by': 'bpf-lb-mode=hybrid (TCP)' });
    const udp = nodePortPath(cilium({ lbMode: 'hybrid' }), 'Cluster', 'UDP', 'node2').hops.find((h) => h.kind === 'node')!;
    expect(udp.details).toMatchObject({ forwarding: 'SNAT', 'set by': 'bpf-lb-mode=hybrid (UDP)' });
  });

  it('no longer predicts "kube-proxy masquerades under Cluster" once Cilium does DSR', () => {
    const kubeProxy = nodePortPath(null, 'Cluster', 'TCP', 'node2');
    expect(kubeProxy.verdict).toBe('lost');
    expect(kubeProxy.findings.map((f) => f.code)).toContain('snat-cluster-policy');
    const dsr = nodePortPath(cilium({ lbMode: 'dsr' }), 'Cluster', 'TCP', 'node2');
    expect(dsr.verdict).toBe('preserved');
    expect(dsr.findings.map((f) => f.code)).not.toContain('snat-cluster-policy');
    expect(dsr.hops.find((h) => h.kind === 'node')!.arrival).toBeTruthy();
    expect(JSON.stringify(dsr.hops)).not.toContain('kube-proxy mode');
  });

  it('keeps kube-proxy on the hop when Cilium runs without replacing it', () => {
    const path = nodePortPath(cilium({ replacesKubeProxy: false, kubeProxyReplacement: 'false', lbMode: 'dsr' }), 'Cluster', 'TCP', 'node2');
    expect(path.verdict).toBe('lost');
    expect(path.findings.map((f) => f.code)).toContain('snat-cluster-policy');
    expect(nodeProxyOf(inventory({ cilium: cilium({ replacesKubeProxy: false }) })).kind).toBe('kube-proxy');
  });
});

describe('the per-Service forwarding-mode annotation (docs/domain.md#s2.10.2, #src-S60, #src-S67)', () => {
  const svc = (annotation?: string) => service({ name: 'echo', annotations: annotation ? { 'service.cilium.io/forwarding-mode': annotation } : {} });
  it.each<[string, Partial<CiliumInfo>, string | undefined, 'snat' | 'dsr', string]>([
    ['dsr default, annotation snat', { lbMode: 'dsr', lbModeAnnotation: true }, 'snat', 'snat', 'service.cilium.io/forwarding-mode=snat'],
    ['snat default, annotation dsr', { lbMode: 'snat', lbModeAnnotation: true }, 'dsr', 'dsr', 'service.cilium.io/forwarding-mode=dsr'],
    ['annotation mode on, no annotation', { lbMode: 'dsr', lbModeAnnotation: true }, undefined, 'dsr', 'bpf-lb-mode=dsr'],
    ['annotation mode off: the annotation is not read', { lbMode: 'dsr', lbModeAnnotation: false }, 'snat', 'dsr', 'bpf-lb-mode=dsr'],
    ['an unknown value is not read', { lbMode: 'snat', lbModeAnnotation: true }, 'fast', 'snat', 'bpf-lb-mode=snat'],
  ])('%s', (_label, settings, annotation, mode, setBy) => {
    expect(ciliumForwarding(cilium(settings), svc(annotation), 'TCP')).toEqual({ mode, setBy });
  });

  it('names the annotation in the SNAT finding and says the Service must be recreated', () => {
    const path = nodePortPath(cilium({ lbMode: 'dsr', lbModeAnnotation: true }), 'Cluster', 'TCP', 'node2', { 'service.cilium.io/forwarding-mode': 'snat' });
    const finding = path.findings.find((f) => f.code === 'cilium-snat-mode')!;
    expect(finding.message).toContain('service.cilium.io/forwarding-mode=snat');
    expect(finding.fix).toContain('kubectl replace --force');
    const global = nodePortPath(cilium({ lbMode: 'snat' }), 'Cluster', 'TCP', 'node2').findings.find((f) => f.code === 'cilium-snat-mode')!;
    expect(global.message).toContain('bpf-lb-mode=snat');
    expect(global.fix).toContain('loadBalancer.mode=dsr');
  });
});

describe('DSR the agent refuses to start with (docs/domain.md#s2.10.2, #src-S62)', () => {
  it.each<[string, Partial<CiliumInfo>, boolean]>([
    ['DSR, native routing, opt', { lbMode: 'dsr', routingMode: 'native', dsrDispatch: 'opt' }, false],
    ['DSR over a VXLAN tunnel', { lbMode: 'dsr', routingMode: 'tunnel', tunnelProtocol: 'vxlan', dsrDispatch: 'geneve' }, true],
    ['DSR in a Geneve tunnel with opt dispatch', { lbMode: 'dsr', routingMode: 'tunnel', tunnelProtocol: 'geneve', dsrDispatch: 'opt' }, true],
    ['DSR in a Geneve tunnel with geneve dispatch', { lbMode: 'dsr', routingMode: 'tunnel', tunnelProtocol: 'geneve', dsrDispatch: 'geneve' }, false],
    ['geneve dispatch natively without the geneve protocol', { lbMode: 'hybrid', routingMode: 'native', tunnelProtocol: 'vxlan', dsrDispatch: 'geneve' }, true],
    ['SNAT in a VXLAN tunnel', { lbMode: 'snat', routingMode: 'tunnel' }, false],
    ['annotation mode counts as DSR', { lbMode: 'snat', lbModeAnnotation: true, routingMode: 'tunnel', tunnelProtocol: 'vxlan' }, true],
  ])('%s', (_label, settings, rejected) => {
    expect(dsrConfigRejection(cilium(settings)) !== null).toBe(rejected);
    const codes = nodePortPath(cilium(settings), 'Cluster', 'TCP', 'node1').findings.map((f) => f.code);
    expect(codes.includes('cilium-dsr-config-rejected')).toBe(rejected);
  });
});

describe('assumptions are findings (docs/domain.md#s2.10.1)', () => {
  it('says which defaults were assumed when cilium-config was not read', () => {
    const path = nodePortPath(cilium({ configMap: null, replacesKubeProxy: false, kubeProxyReplacement: null, assumed: ['kube-system/cilium-config not read: every setting at its default'] }), 'Cluster', 'TCP', 'node2');
    const finding = path.findings.find((f) => f.code === 'cilium-config-assumed')!;
    expect(finding.message).toContain('kube-proxy (Cilium not replacing it)');
    expect(finding.message).toContain('cilium-config not read');
    expect(nodePortPath(cilium(), 'Cluster', 'TCP', 'node2').findings.map((f) => f.code)).not.toContain('cilium-config-assumed');
  });
});

describe('Cilium L2 announcements on LoadBalancer paths (docs/domain.md#s2.10.3, #src-S65)', () => {
  function lbPaths(announcingNode: string | null, policy: TrafficPolicy) {
    const svc = service({ name: 'web', type: 'LoadBalancer', provider: 'cilium', lbAddress: LAB.vip, policy, announcingNode: announcingNode ?? undefined, endpoints: [endpoint(LAB.echoPod, 'node1')] });
    const inv = inventory({
      kubeProxy: { mode: 'none', source: 'unknown', clusterCIDR: null },
      cilium: cilium({ lbMode: 'dsr' }),
      loadBalancers: [{ provider: 'cilium', pools: [{ name: 'lan', addresses: ['198.51.100.50/32'], mode: 'layer2' }] }],
      services: [{ ...svc, loadBalancerPool: 'lan' }],
    });
    return buildPaths(inv).filter((p) => p.entry.kind === 'loadBalancer');
  }

  it.each<[string, string | null, TrafficPolicy, [node: string, verdict: Verdict][], boolean]>([
    ['the Lease holder is the only way in (Cluster, DSR)', 'node2', 'Cluster', [['node2', 'preserved']], false],
    ['Local on a holder without a backend drops (the documented L2 + Local caveat)', 'node2', 'Local', [['node2', 'unreachable']], false],
    ['Local on the holder with the backend keeps the client', 'node1', 'Local', [['node1', 'preserved']], false],
    ['no Lease: every eligible node, and a finding that BGP or nobody announces it', null, 'Cluster', [['node1', 'preserved'], ['node2', 'preserved']], true],
  ])('%s', (_label, holder, policy, expected, unknown) => {
    const paths = lbPaths(holder, policy);
    expect(paths.map((p) => [p.id.split('@')[1], p.verdict])).toEqual(expected);
    expect(paths.every((p) => p.hops.find((h) => h.kind === 'loadBalancer')!.name.startsWith('Cilium LB IPAM'))).toBe(true);
    for (const p of paths) expect(p.findings.map((f) => f.code).includes('cilium-announcer-unknown')).toBe(unknown);
  });
});
