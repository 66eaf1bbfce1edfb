// cilium-config, LB IPAM pools, L2 announcement policies and their Leases as discovery reads them
// (docs/domain.md#s2.10.1, #s2.10.3, #src-S61, #src-S64, #src-S65, #src-S66).
import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ManifestObject } from '../demo/manifest';
import { ciliumInfo, ciliumL2Announcers, ciliumPools } from './cilium';
import { normalizeInventory } from './normalize';
import { emptyRawObjects, rawObjectsFromManifest, type RawCiliumObjects } from './raw';
import { nodeInfo } from '@/test/support/inventory';

const config = (data: Record<string, string>): V1ConfigMap => ({ metadata: { name: 'cilium-config', namespace: 'kube-system' }, data });

describe('ciliumInfo: kube-system/cilium-config (docs/domain.md#s2.10.1)', () => {
  it.each<[string, Record<string, string>, { replacesKubeProxy: boolean; lbMode: string; dsrDispatch: string; routingMode: string; assumed: string[] }]>([
    ['1.14+ true, dsr, native', { 'kube-proxy-replacement': 'true', 'bpf-lb-mode': 'dsr', 'bpf-lb-dsr-dispatch': 'geneve', 'routing-mode': 'native' }, { replacesKubeProxy: true, lbMode: 'dsr', dsrDispatch: 'geneve', routingMode: 'native', assumed: [] }],
    ['false: kube-proxy stays', { 'kube-proxy-replacement': 'false' }, { replacesKubeProxy: false, lbMode: 'snat', dsrDispatch: 'opt', routingMode: 'tunnel', assumed: ['bpf-lb-mode=snat'] }],
    ['unset: false, assumed', {}, { replacesKubeProxy: false, lbMode: 'snat', dsrDispatch: 'opt', routingMode: 'tunnel', assumed: ['kube-proxy-replacement=false', 'bpf-lb-mode=snat'] }],
    ['≤1.13 strict', { 'kube-proxy-replacement': 'strict', 'bpf-lb-mode': 'snat' }, { replacesKubeProxy: true, lbMode: 'snat', dsrDispatch: 'opt', routingMode: 'tunnel', assumed: ['kube-proxy-replacement=strict read as true (its meaning up to 1.13; 1.14 deprecated it for true)'] }],
    ['≤1.13 partial with enable-node-port', { 'kube-proxy-replacement': 'partial', 'enable-node-port': 'true', 'bpf-lb-mode': 'snat' }, { replacesKubeProxy: true, lbMode: 'snat', dsrDispatch: 'opt', routingMode: 'tunnel', assumed: [] }],
    ['≤1.13 disabled', { 'kube-proxy-replacement': 'disabled', 'bpf-lb-mode': 'snat' }, { replacesKubeProxy: false, lbMode: 'snat', dsrDispatch: 'opt', routingMode: 'tunnel', assumed: [] }],
    ['deprecated node-port-mode, tunnel: disabled', { 'kube-proxy-replacement': 'true', 'node-port-mode': 'hybrid', tunnel: 'disabled', 'bpf-lb-dsr-dispatch': 'opt' }, { replacesKubeProxy: true, lbMode: 'hybrid', dsrDispatch: 'opt', routingMode: 'native', assumed: [] }],
    ['dsr without dispatch or routing-mode', { 'kube-proxy-replacement': 'true', 'bpf-lb-mode': 'dsr' }, { replacesKubeProxy: true, lbMode: 'dsr', dsrDispatch: 'opt', routingMode: 'tunnel', assumed: ['bpf-lb-dsr-dispatch=opt', 'routing-mode=tunnel'] }],
    ['a mode that does not exist', { 'kube-proxy-replacement': 'true', 'bpf-lb-mode': 'fast' }, { replacesKubeProxy: true, lbMode: 'snat', dsrDispatch: 'opt', routingMode: 'tunnel', assumed: ['bpf-lb-mode=snat (fast is not a mode)'] }],
  ])('%s', (_label, data, expected) => {
    expect(ciliumInfo(config(data), true)).toMatchObject({ configMap: 'kube-system/cilium-config', ...expected });
  });

  it('reads the annotation switch and the health-check default', () => {
    expect(ciliumInfo(config({ 'bpf-lb-mode-annotation': 'true' }), true)).toMatchObject({ lbModeAnnotation: true, enableHealthCheckNodePort: true });
    expect(ciliumInfo(config({ 'enable-health-check-nodeport': 'false' }), true)).toMatchObject({ lbModeAnnotation: false, enableHealthCheckNodePort: false });
  });

  it('assumes every default when Cilium runs but its ConfigMap was not read, and is absent without Cilium', () => {
    expect(ciliumInfo(undefined, true)).toMatchObject({ configMap: null, replacesKubeProxy: false, assumed: ['kube-system/cilium-config not read: every setting at its default'] });
    expect(ciliumInfo(undefined, false)).toBeNull();
  });
});

const objects = (parts: Partial<RawCiliumObjects>): RawCiliumObjects => ({ ipPools: [], l2Policies: [], leases: [], ...parts });
const nodes = [
  nodeInfo({ name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } }),
  nodeInfo({ name: 'w1' }),
  nodeInfo({ name: 'w2' }),
];
const pool = { metadata: { name: 'lan' }, spec: { blocks: [{ cidr: '198.51.100.0/28' }, { start: '198.51.100.200', stop: '198.51.100.210' }, { start: '203.0.113.5' }] } };

describe('ciliumPools: CiliumLoadBalancerIPPool and the L2 policies (docs/domain.md#s2.10.3)', () => {
  it.each<[string, RawCiliumObjects['l2Policies'], string, string[]]>([
    ['no L2 policy: announcement unknown (BGP is not read)', [], 'unknown', []],
    ['a policy that announces only externalIPs', [{ spec: { externalIPs: true } }], 'unknown', []],
    ['a policy for LB addresses on every node', [{ spec: { loadBalancerIPs: true } }], 'layer2', []],
    [
      'a policy for LB addresses on workers',
      [{ spec: { loadBalancerIPs: true, nodeSelector: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }] } } }],
      'layer2',
      ['w1', 'w2'],
    ],
  ])('%s', (_label, l2Policies, mode, nodeSelectorNodes) => {
    expect(ciliumPools(objects({ ipPools: [pool], l2Policies }), nodes)).toEqual([
      { name: 'lan', addresses: ['198.51.100.0/28', '198.51.100.200-198.51.100.210', '203.0.113.5'], mode, autoAssign: true, origin: 'crd', nodeSelectorNodes },
    ]);
  });

  it('keeps a disabled pool (its allocations stay) without new allocations', () => {
    expect(ciliumPools(objects({ ipPools: [{ metadata: { name: 'old' }, spec: { blocks: [{ cidr: '192.0.2.0/28' }], disabled: true } }] }), nodes)[0]).toMatchObject({ autoAssign: false });
  });
});

describe('ciliumL2Announcers: Lease cilium-l2announce-<namespace>-<service> (docs/domain.md#s2.10.3, #src-S65)', () => {
  it('names the holder per existing Service, also when names contain dashes', () => {
    const leases = [
      { metadata: { name: 'cilium-l2announce-default-deathstar', namespace: 'kube-system' }, spec: { holderIdentity: 'w1' } },
      { metadata: { name: 'cilium-l2announce-my-app-web-front', namespace: 'kube-system' }, spec: { holderIdentity: 'w2' } },
      { metadata: { name: 'cilium-l2announce-default-unheld', namespace: 'kube-system' }, spec: {} },
      { metadata: { name: 'cilium-operator-resource-lock', namespace: 'kube-system' }, spec: { holderIdentity: 'w2-xyz' } },
    ];
    const services = [
      { namespace: 'default', name: 'deathstar' },
      { namespace: 'my-app', name: 'web-front' },
      { namespace: 'my', name: 'app-web' },
      { namespace: 'default', name: 'unheld' },
    ];
    expect([...ciliumL2Announcers(objects({ leases }), services)]).toEqual([
      ['default/deathstar', 'w1'],
      ['my-app/web-front', 'w2'],
    ]);
  });
});

describe('normalizeInventory with Cilium LB IPAM (docs/domain.md#s2.10.3)', () => {
  const manifest = (extra: ManifestObject[]): ManifestObject[] => [
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'cilium', namespace: 'kube-system' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-config', namespace: 'kube-system' }, data: { 'kube-proxy-replacement': 'true' } },
    { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'lan' }, spec: { blocks: [{ cidr: '198.51.100.0/28' }] } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] },
      status: { loadBalancer: { ingress: [{ ip: '198.51.100.3' }] } },
    },
    ...extra,
  ];
  const normalize = (objects: ManifestObject[]) =>
    normalizeInventory(rawObjectsFromManifest(objects), { source: { mode: 'demo', context: 'demo/t', server: '' }, errors: [], discoveredAt: '', durationMs: 0 });

  it('gives the Service to Cilium, from the pool holding its address, announced by the Lease holder in kube-system', () => {
    const lease = (namespace: string, holder: string): ManifestObject => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'cilium-l2announce-default-web', namespace },
      spec: { holderIdentity: holder },
    });
    const inv = normalize(manifest([lease('kube-system', 'w1'), lease('other', 'w2')]));
    expect(inv.services[0]).toMatchObject({ loadBalancerProvider: 'cilium', loadBalancerPool: 'lan', announcingNode: 'w1' });
    expect(inv.loadBalancers.map((p) => p.provider)).toEqual(['cilium']);
    expect(inv.kubeProxy.mode).toBe('none');
    expect(inv.cilium?.replacesKubeProxy).toBe(true);
  });

  it('an address outside every pool with no Lease is not Cilium\'s', () => {
    const inv = normalize(manifest([]).map((o) => (o.kind === 'CiliumLoadBalancerIPPool' ? { ...o, spec: { blocks: [{ cidr: '192.0.2.0/28' }] } } : o)));
    expect(inv.services[0]!.loadBalancerProvider).toBe('unknown');
  });

  it('has no Cilium section without Cilium', () => {
    expect(normalizeInventory(emptyRawObjects(), { source: { mode: 'demo', context: 'demo/t', server: '' }, errors: [], discoveredAt: '', durationMs: 0 }).cilium).toBeUndefined();
  });
});

describe('DSR settings assumed where DSR can happen (docs/domain.md#s2.10.2)', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['snat default, no annotation: dispatch and routing do not matter', { 'kube-proxy-replacement': 'true', 'bpf-lb-mode': 'snat' }, []],
    ['snat default with the annotation: they do', { 'kube-proxy-replacement': 'true', 'bpf-lb-mode': 'snat', 'bpf-lb-mode-annotation': 'true' }, ['bpf-lb-dsr-dispatch=opt', 'routing-mode=tunnel']],
  ])('%s', (_label, data, assumed) => {
    expect(ciliumInfo(config(data), true)!.assumed).toEqual(assumed);
  });
});
