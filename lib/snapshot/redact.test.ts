import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EC2_NODE, PROBER_ADDRESS, SAMPLE_ADDRESSES, SAMPLE_NODE_NAMES, sampleSnapshot } from '@/test/support/samples';
import { redactSnapshot } from './redact';
import { SnapshotSchema, type Snapshot } from './schema';

const KEY = Buffer.alloc(32, 7);

// The sample is bare-metal-metallb read through a kubeconfig, plus an EC2-named worker with an IPv6 address; the
// selected entry is the hopscope echo behind ingress-nginx, and the echo answered its probe (test/support/samples.ts).

/** The selected path, found by the (possibly masked) entry id. */
const entryOf = (snapshot: Snapshot) => snapshot.paths.find((p) => p.id === snapshot.entry)!;
/** The entry's probe the echo answered. */
const answeredProbeOf = (snapshot: Snapshot) =>
  snapshot.trace!.paths.find((p) => p.pathId === snapshot.entry)!.probes.find((p) => p.observation !== null)!;

describe('redactSnapshot', () => {
  const original = sampleSnapshot();
  const { snapshot: redacted, masked } = redactSnapshot(original, { key: KEY });
  const json = JSON.stringify(redacted);
  const nodeIndex = (name: string) => original.inventory.nodes.findIndex((n) => n.name === name);
  const serviceIndex = (name: string) => original.inventory.services.findIndex((s) => s.name === name);

  it('is tested on every address the inventory and the trace hold', () => {
    const { nodes, services, pods } = original.inventory;
    const named = [
      ...nodes.flatMap((n) => [n.internalIP, n.externalIP]),
      ...services.flatMap((s) => [...s.clusterIPs, ...s.loadBalancerIPs, ...s.endpoints.map((e) => e.ip)]),
      ...pods.flatMap((p) => [p.ip, p.hostIP]),
      original.trace!.prober.address,
    ].filter((a): a is string => a !== null);
    expect(named).toContain('2001:db8:13::1');
    expect(named).toContain(PROBER_ADDRESS);
    expect(SAMPLE_ADDRESSES).toEqual(expect.arrayContaining([...new Set(named)]));
  });

  it('leaves no real address anywhere in the JSON', () => {
    for (const address of SAMPLE_ADDRESSES) expect(json, address).not.toContain(address);
    expect(json.replaceAll('0.0.0.0/0', '')).not.toMatch(/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/);
    expect(json).not.toContain('2001:db8');
    expect(json).not.toContain('192-0-2-13');
  });

  it('is still a valid snapshot, marked redacted, with its identity unchanged', () => {
    expect(SnapshotSchema.safeParse(redacted).success).toBe(true);
    expect(redacted.redacted).toBe(true);
    expect(redacted).toMatchObject({ id: original.id, createdAt: original.createdAt, storedAt: original.storedAt });
    expect(masked).toBeGreaterThanOrEqual(SAMPLE_ADDRESSES.length);
  });

  it('masks the same address the same way everywhere', () => {
    const entry = entryOf(redacted);
    const wkA = redacted.inventory.nodes[nodeIndex('wk-a')]!.internalIP!;
    expect(wkA).toMatch(/^ip-[0-9a-f]{6,}$/);
    expect(entry.hops.find((h) => h.kind === 'node')!.address).toBe(wkA);
    const onWkA = redacted.inventory.pods.filter((p) => p.nodeName === 'wk-a');
    expect(onWkA.length).toBeGreaterThan(0);
    for (const pod of onWkA) expect(pod.hostIP).toBe(wkA);

    const vip = redacted.inventory.services[serviceIndex('ingress-nginx-controller')]!.loadBalancerIPs[0]!;
    expect(entry.entry.address).toBe(vip);
    expect(entry.id).toContain(`:${vip}:80@wk-a`);
    expect(entry.hops.find((h) => h.kind === 'loadBalancer')!.name).toBe(`MetalLB ${vip}`);
    const probe = answeredProbeOf(redacted);
    expect(probe.target.label).toBe(`LB ${vip}:80 (ingress-nginx/ingress-nginx-controller)`);

    const controller = redacted.inventory.ingressControllers[0]!.pods[0]!.ip;
    expect(entry.hops.find((h) => h.kind === 'ingressController')!.address).toBe(controller);
    expect(probe.observation!.peer).toBe(controller);

    const prober = redacted.trace!.prober.address!;
    expect(prober).toMatch(/^ip-[0-9a-f]{6,}$/);
    expect(probe.observation!.xForwardedFor).toEqual([prober]);
    expect(probe.observation!.xRealIp).toBe(prober);
  });

  it('gives different addresses different masks', () => {
    const nodes = redacted.inventory.nodes.map((n) => n.internalIP);
    expect(new Set(nodes).size).toBe(nodes.length);
    const clusterIPs = (s: Snapshot) => new Set(s.inventory.services.map((svc) => svc.clusterIP));
    expect(clusterIPs(redacted).size).toBe(clusterIPs(original).size);
  });

  it('masks addresses inside raw echo text, CIDRs, ranges, URLs and error messages', () => {
    const probe = answeredProbeOf(redacted);
    const echo = entryOf(redacted).hops.at(-1)!;
    expect(probe.observation!.local).toMatch(/^ip-[0-9a-f]{6,}$/);
    expect(probe.observation!.local).toBe(echo.address);
    expect(probe.raw).toContain(`"address": "${probe.observation!.peer}"`);
    expect(probe.raw).toContain(`"podIp": "${echo.address}"`);
    expect(probe.raw).toContain(`"x-real-ip",\n      "${redacted.trace!.prober.address}"`);

    const { inventory } = redacted;
    expect(inventory.kubeProxy.clusterCIDR).toMatch(/^ip-[0-9a-f]{6,}\/16$/);
    expect(inventory.nodes[nodeIndex('wk-a')]!.podCIDRs).toEqual([expect.stringMatching(/^ip-[0-9a-f]{6,}\/24$/)]);
    const pools = inventory.loadBalancers[0]!.pools;
    expect(pools.find((p) => p.name === 'public')!.addresses).toEqual([expect.stringMatching(/^ip-[0-9a-f]{6,}-ip-[0-9a-f]{6,}$/)]);
    expect(pools.find((p) => p.name === 'bgp-pool')!.addresses).toEqual([expect.stringMatching(/^ip-[0-9a-f]{6,}\/28$/)]);
    // The API server runs on cp-1: one mask for the URL, the error message and the node.
    const cp1 = inventory.nodes[nodeIndex('cp-1')]!.internalIP;
    expect(inventory.source.server).toBe(`https://${cp1}:6443`);
    expect(inventory.errors[0]!.message).toBe(`dial tcp ${cp1}:6443: connect: connection refused`);
    expect(inventory.nodes[nodeIndex(EC2_NODE.name)]!.externalIP).toMatch(/^ip6-[0-9a-f]{6,}$/);
  });

  it('keeps 0.0.0.0/0, host names, ports and object names readable', () => {
    expect(redacted.inventory.ingressControllers[0]!.settings.trustedCIDRs).toEqual(['0.0.0.0/0']);
    expect(entryOf(redacted).hops.find((h) => h.kind === 'ingressController')!.details['proxy-real-ip-cidr']).toBe('0.0.0.0/0');
    expect(entryOf(redacted).entry).toMatchObject({ host: 'echo.example.com', port: 80, name: 'hopscope-echo' });
    expect(redacted.inventory.nodes.map((n) => n.name).slice(0, 3)).toEqual(['cp-1', 'wk-a', 'wk-b']);
  });

  it('masks node names that spell their address, even without the node-name option', () => {
    const ec2 = redacted.inventory.nodes[nodeIndex(EC2_NODE.name)]!;
    expect(ec2.name).toMatch(/^ip-[0-9a-f]{6,}\.ec2\.internal$/);
    expect(ec2.name).toBe(`${ec2.internalIP}.ec2.internal`);
    const onEc2 = (s: Snapshot, name: string) => s.paths.filter((p) => p.id.endsWith(`@${name}`)).length;
    expect(onEc2(original, EC2_NODE.name)).toBeGreaterThan(0);
    expect(onEc2(redacted, ec2.name)).toBe(onEc2(original, EC2_NODE.name));
  });

  it('masks node names everywhere on request, consistently', () => {
    const { snapshot } = redactSnapshot(original, { key: KEY, nodeNames: true });
    const text = JSON.stringify(snapshot);
    for (const name of SAMPLE_NODE_NAMES) expect(text).not.toMatch(new RegExp(`[^-a-z0-9]${name}[^-a-z0-9]`));
    const wkA = snapshot.inventory.nodes[nodeIndex('wk-a')]!.name;
    const wkB = snapshot.inventory.nodes[nodeIndex('wk-b')]!.name;
    expect(wkA).toMatch(/^node-[0-9a-f]{6,}$/);
    expect(snapshot.inventory.services[serviceIndex('ingress-nginx-controller')]!.endpoints[0]!.nodeName).toBe(wkA);
    expect(entryOf(snapshot).hops.find((h) => h.kind === 'node')!.name).toBe(wkA);
    expect(entryOf(snapshot).id).toMatch(new RegExp(`@${wkA}$`));
    // The echo runs on wk-b.
    expect(answeredProbeOf(snapshot).observation!.echoNode).toBe(wkB);
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
