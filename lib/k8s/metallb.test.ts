import { describe, expect, it } from 'vitest';
import { nodeInfo } from '@/test/support/inventory';
import { addressInRange } from './addresses';
import { allocatedPoolAnnotation, metallbAnnouncers, metallbCrdPools, metallbLegacyPools, poolContaining } from './metallb';
import type { RawMetalLbObjects } from './raw';

const node = (name: string, labels: Record<string, string>) => nodeInfo({ name, labels });

const objects = (patch: Partial<RawMetalLbObjects>): RawMetalLbObjects => ({
  ipAddressPools: [],
  l2Advertisements: [],
  bgpAdvertisements: [],
  serviceL2Statuses: [],
  serviceBGPStatuses: [],
  ...patch,
});

const pool = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, namespace: 'metallb-system', labels },
  spec: { addresses: ['198.51.100.0/28'] },
});

describe('MetalLB pools', () => {
  const nodes = [node('a', { zone: 'x' }), node('b', { zone: 'y' })];

  it.each([
    ['an empty L2Advertisement selects every pool', { l2Advertisements: [{ metadata: { name: 'all' } }] }, 'layer2', []],
    ['by name, limited to matching nodes', { l2Advertisements: [{ spec: { ipAddressPools: ['p'], nodeSelectors: [{ matchLabels: { zone: 'y' } }] } }] }, 'layer2', ['b']],
    ['by pool label selector, BGP', { bgpAdvertisements: [{ spec: { ipAddressPoolSelectors: [{ matchLabels: { tier: 'edge' } }] } }] }, 'bgp', []],
    [
      'L2 and BGP together; one unrestricted advertisement means all nodes',
      { l2Advertisements: [{ spec: { nodeSelectors: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }] } }], bgpAdvertisements: [{}] },
      'layer2+bgp',
      [],
    ],
    ['advertised by name of another pool', { l2Advertisements: [{ spec: { ipAddressPools: ['other'] } }] }, 'none', []],
  ] as [string, Partial<RawMetalLbObjects>, string, string[]][])('%s', (_label, patch, mode, selectorNodes) => {
    const [result] = metallbCrdPools(objects({ ipAddressPools: [pool('p', { tier: 'edge' })], ...patch }), nodes);
    expect(result).toEqual({
      name: 'p',
      addresses: ['198.51.100.0/28'],
      mode,
      autoAssign: true,
      origin: 'crd',
      nodeSelectorNodes: selectorNodes,
    });
  });

  // Sample: github.com/metallb/metallb configmaptocrs/testdata/configmap-yaml/config-yaml-address-pools.yaml
  // (v0.16.1), with the layer-2 range moved into a documentation block.
  it('reads the legacy ConfigMap', () => {
    const pools = metallbLegacyPools({
      data: {
        config: [
          'address-pools:',
          '- name: my-ip-space-bgp',
          '  protocol: bgp',
          '  addresses:',
          '  - 198.51.100.0/24',
          '  - fc00:f853:0ccd:e799::/124',
          '  avoid-buggy-ips: true',
          '  auto-assign: false',
          '- name: my-ip-space-l2',
          '  protocol: layer2',
          '  addresses:',
          '  - 192.0.2.240/28',
        ].join('\n'),
      },
    });
    expect(pools.map((p) => [p.name, p.mode, p.autoAssign, p.origin, p.addresses.length])).toEqual([
      ['my-ip-space-bgp', 'bgp', false, 'configmap', 2],
      ['my-ip-space-l2', 'layer2', true, 'configmap', 1],
    ]);
    expect(metallbLegacyPools({ data: { config: ': not yaml [' } })).toEqual([]);
    expect(metallbLegacyPools(undefined)).toEqual([]);
  });

  // The statuses listed by `kubectl get servicel2statuses/servicebgpstatuses` in github.com/metallb/metallb
  // website/content/faq/_index.md (v0.16.1).
  it('finds announcers from ServiceL2Status and ServiceBGPStatus', () => {
    const status = (node: string, serviceName: string, serviceNamespace: string) => ({ status: { node, serviceName, serviceNamespace } });
    const announcers = metallbAnnouncers(
      objects({
        serviceL2Statuses: [status('kind-worker2', 'service1', 'ns1'), status('kind-worker', 'service2', 'ns2')],
        serviceBGPStatuses: [
          status('kind-worker2', 'service4', 'ns4'),
          status('kind-worker2', 'service3', 'ns3'),
          status('kind-worker', 'service4', 'ns4'),
          status('kind-worker', 'service3', 'ns3'),
        ],
      }),
    );
    expect(Object.fromEntries(announcers)).toEqual({
      'ns1/service1': { l2Node: 'kind-worker2', bgpNodes: [] },
      'ns2/service2': { l2Node: 'kind-worker', bgpNodes: [] },
      'ns4/service4': { l2Node: null, bgpNodes: ['kind-worker', 'kind-worker2'] },
      'ns3/service3': { l2Node: null, bgpNodes: ['kind-worker', 'kind-worker2'] },
    });
  });

  it('reads the pool annotation, current prefix first', () => {
    expect(allocatedPoolAnnotation({ 'metallb.universe.tf/ip-allocated-from-pool': 'old' })).toBe('old');
    expect(allocatedPoolAnnotation({ 'metallb.io/ip-allocated-from-pool': 'new', 'metallb.universe.tf/ip-allocated-from-pool': 'old' })).toBe('new');
    expect(allocatedPoolAnnotation(undefined)).toBeNull();
  });
});

describe('pool address ranges', () => {
  it.each([
    ['198.51.100.5', '198.51.100.0/28', true],
    ['198.51.100.16', '198.51.100.0/28', false],
    ['198.51.100.10', '198.51.100.10-198.51.100.20', true],
    ['198.51.100.21', '198.51.100.10 - 198.51.100.20', false],
    ['198.51.100.1', '198.51.100.1', true],
    ['0.0.0.1', '0.0.0.0/0', true],
    ['fc00:f853:ccd:e799::5', 'fc00:f853:0ccd:e799::/124', true],
    ['fc00:f853:ccd:e799::10', 'fc00:f853:0ccd:e799::/124', false],
    ['::ffff:198.51.100.3', '::ffff:198.51.100.0/120', true],
    ['198.51.100.5', 'fc00::/7', false],
    ['not-an-ip', '198.51.100.0/24', false],
    ['198.51.100.5', '198.51.100.0/33', false],
  ])('%s in %s → %s', (ip, range, expected) => {
    expect(addressInRange(ip, range)).toBe(expected);
  });

  it('finds the pool holding an address', () => {
    const pools = metallbCrdPools(objects({ ipAddressPools: [pool('p')] }), []);
    expect(poolContaining('198.51.100.3', pools)?.name).toBe('p');
    expect(poolContaining('203.0.113.3', pools)).toBeNull();
  });
});
