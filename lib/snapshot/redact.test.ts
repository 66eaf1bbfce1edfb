import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSnapshot } from './redact';
import { SnapshotSchema } from './schema';
import { SAMPLE_ADDRESSES, SAMPLE_NODE_NAMES, sampleSnapshot } from './testdata/sample';

const KEY = Buffer.alloc(32, 7);

describe('redactSnapshot', () => {
  const original = sampleSnapshot();
  const { snapshot: redacted, masked } = redactSnapshot(original, { key: KEY });
  const json = JSON.stringify(redacted);

  it('leaves no real address anywhere in the JSON', () => {
    for (const address of SAMPLE_ADDRESSES) expect(json, address).not.toContain(address);
    expect(json.replaceAll('0.0.0.0/0', '')).not.toMatch(/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/);
    expect(json).not.toContain('2001:db8');
    expect(json).not.toContain('192-0-2-12');
  });

  it('is still a valid snapshot, marked redacted, with its identity unchanged', () => {
    expect(SnapshotSchema.safeParse(redacted).success).toBe(true);
    expect(redacted.redacted).toBe(true);
    expect(redacted).toMatchObject({ id: original.id, createdAt: original.createdAt, storedAt: original.storedAt });
    expect(masked).toBeGreaterThanOrEqual(SAMPLE_ADDRESSES.length);
  });

  it('masks the same address the same way everywhere', () => {
    const node = redacted.inventory.nodes.find((n) => n.name === 'wk-a')!;
    const nodeHop = redacted.paths[0]!.hops.find((h) => h.kind === 'node')!;
    expect(node.internalIP).toMatch(/^ip-[0-9a-f]{6,}$/);
    expect(nodeHop.address).toBe(node.internalIP);
    expect(redacted.inventory.pods[0]!.hostIP).toBe(node.internalIP);

    const vip = redacted.inventory.services[0]!.loadBalancerIPs[0]!;
    expect(redacted.paths[0]!.entry.address).toBe(vip);
    expect(redacted.paths[0]!.hops[1]!.name).toBe(`MetalLB VIP ${vip}`);
    expect(redacted.trace!.paths[0]!.probes[0]!.target.label).toBe(`VIP ${vip}`);

    const client = redacted.paths[0]!.hops[0]!.address!;
    expect(redacted.trace!.paths[0]!.probes[0]!.observation!.xForwardedFor).toEqual([client]);
    expect(redacted.trace!.paths[0]!.probes[0]!.observation!.forwarded).toEqual([`for=${client};proto=https`]);
  });

  it('gives different addresses different masks', () => {
    const nodes = redacted.inventory.nodes.map((n) => n.internalIP);
    expect(new Set(nodes).size).toBe(nodes.length);
  });

  it('masks addresses inside raw echo text, CIDRs, ranges, URLs and error messages', () => {
    const probe = redacted.trace!.paths[0]!.probes[0]!;
    expect(probe.raw).toMatch(/client_address=ip-[0-9a-f]{6,}\n/);
    expect(probe.raw).toMatch(/host=ip-[0-9a-f]{6,}:30674/);
    expect(probe.observation!.local).toMatch(/^\[ip6-[0-9a-f]{6,}\]:8080$/);
    expect(redacted.inventory.kubeProxy.clusterCIDR).toMatch(/^ip-[0-9a-f]{6,}\/16$/);
    expect(redacted.inventory.loadBalancers[0]!.pools[0]!.addresses[0]).toMatch(/^ip-[0-9a-f]{6,}-ip-[0-9a-f]{6,}$/);
    expect(redacted.inventory.source.server).toMatch(/^https:\/\/ip-[0-9a-f]{6,}:6443$/);
    expect(redacted.inventory.errors[0]!.message).toMatch(/^dial tcp ip-[0-9a-f]{6,}:7472/);
  });

  it('keeps 0.0.0.0/0, host names, ports and object names readable', () => {
    expect(redacted.inventory.ingressControllers[0]!.settings.trustedCIDRs[1]).toBe('0.0.0.0/0');
    expect(redacted.paths[0]!.entry).toMatchObject({ host: 'shop.example.com', port: 443, name: 'shop' });
    expect(redacted.inventory.nodes.map((n) => n.name).slice(0, 2)).toEqual(['cp-1', 'wk-a']);
  });

  it('masks node names that spell their address, even without the node-name option', () => {
    expect(redacted.inventory.nodes[2]!.name).toMatch(/^ip-[0-9a-f]{6,}\.ec2\.internal$/);
    expect(redacted.inventory.nodes[2]!.name).toBe(`${redacted.inventory.nodes[2]!.internalIP}.ec2.internal`);
  });

  it('masks node names everywhere on request, consistently', () => {
    const { snapshot } = redactSnapshot(original, { key: KEY, nodeNames: true });
    const text = JSON.stringify(snapshot);
    for (const name of SAMPLE_NODE_NAMES) expect(text).not.toMatch(new RegExp(`[^-a-z0-9]${name}[^-a-z0-9]`));
    const wkA = snapshot.inventory.nodes[1]!.name;
    expect(wkA).toMatch(/^node-[0-9a-f]{6,}$/);
    expect(snapshot.inventory.services[1]!.endpoints[0]!.nodeName).toBe(wkA);
    expect(snapshot.paths[0]!.hops.find((h) => h.kind === 'node')!.name).toBe(wkA);
    expect(snapshot.trace!.paths[0]!.probes[0]!.observation!.echoNode).toBe(wkA);
  });

  it('masks the API server host name wherever it appears', () => {
    const server = 'https://api.prod-eu.example.internal:6443';
    const snapshot = sampleSnapshot({
      inventory: { ...original.inventory, source: { ...original.inventory.source, server } },
      whatIf: ['see api.prod-eu.example.internal for details'],
    });
    const result = redactSnapshot(snapshot, { key: KEY }).snapshot;
    expect(JSON.stringify(result)).not.toContain('prod-eu');
    const host = /^https:\/\/(host-[0-9a-f]{6,}):6443$/.exec(result.inventory.source.server)?.[1];
    expect(host).toBeDefined();
    expect(result.whatIf[0]).toBe(`see ${host} for details`);
  });

  it('uses a fresh key per snapshot unless one is given', () => {
    const again = redactSnapshot(original, { key: KEY }).snapshot;
    const other = redactSnapshot(original).snapshot;
    expect(again).toEqual(redacted);
    expect(other.inventory.nodes[0]!.internalIP).not.toBe(redacted.inventory.nodes[0]!.internalIP);
  });

  it('masks any IPv4 or IPv6 address in free text, one mask per address', () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    const address = fc.oneof(ipv4, fc.ipV6()).filter((a) => a !== '0.0.0.0' && !/^[0:]*$/.test(a));
    fc.assert(
      fc.property(address, address, fc.constantFrom(' ', ', ', ' via '), (a, b, sep) => {
        const message = `peer ${a}${sep}[${b}]:443 and again ${a}`;
        const snapshot = sampleSnapshot({ whatIf: [message] });
        const text = redactSnapshot(snapshot, { key: KEY }).snapshot.whatIf[0]!;
        const masks = text.match(/ip6?-[0-9a-f]{6,}/g) ?? [];
        expect(masks).toHaveLength(3);
        expect(masks[0]).toBe(masks[2]);
        expect(masks[0] === masks[1]).toBe(a === b);
      }),
      { numRuns: 300 },
    );
  });
});
