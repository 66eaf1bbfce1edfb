import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EC2_NODE, PROBER_ADDRESS, SAMPLE_ADDRESSES, SAMPLE_NODE_NAMES, sampleSnapshot } from '@/test/support/samples';
import { isIPv6 } from 'node:net';
import { redactSnapshot } from './redact';
import { canonicalIPv6 } from './redact-text';
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

// ───────────────────────────── addresses and ids inside names ─────────────────────────────

/** Redacts `texts` as what-if lines of the sample, with one key, so masks can be compared across calls. */
function redactTexts(texts: string[], overrides: Partial<Snapshot> = {}): string[] {
  return redactSnapshot(sampleSnapshot({ ...overrides, whatIf: texts }), { key: KEY }).snapshot.whatIf;
}

/** The mask the sample's redaction gives `address` when it stands alone. */
function maskOf(address: string): string {
  return redactTexts([address])[0]!;
}

describe('redactSnapshot: addresses spelled inside names', () => {
  it.each([
    ['a nip.io name', 'app.10.1.2.3.nip.io', '10.1.2.3', 'app.@.nip.io'],
    ['a dashed nip.io name', '10-1-2-3.nip.io', '10.1.2.3', '@.nip.io'],
    ['an EC2 public DNS name', 'ec2-54-12-1-2.compute-1.amazonaws.com', '54.12.1.2', 'ec2-@.compute-1.amazonaws.com'],
    ['an EC2 private DNS name', 'ip-192-0-2-13.ec2.internal', '192.0.2.13', '@.ec2.internal'],
    ['a node name', 'node-10-20-30-40', '10.20.30.40', 'node-@'],
    ['an underscored name', 'lb_198_51_100_7_http', '198.51.100.7', 'lb_@_http'],
    ['zero-padded octets', 'peer 010.001.002.003', '10.1.2.3', 'peer @'],
    ['a compressed IPv6 address in brackets', 'https://[2001:DB8:0::1]:443/', '2001:db8::1', 'https://[@]:443/'],
    ['a full IPv6 address', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1', '@'],
    ['a dashed IPv6 sslip.io name', '2001-db8--1.sslip.io', '2001:db8::1', '@.sslip.io'],
    ['an underscored IPv6 address', 'v6_2001_db8__1', '2001:db8::1', 'v6_@'],
    ['an IPv6 address with a zone', 'fe80::1%eth0', 'fe80::1', '@%eth0'],
    ['an IPv6 address after a word and a colon', 'svc:2001:db8::7', '2001:db8::7', 'svc:@'],
  ])('masks %s with the address’s own mask', (_label, text, address, shape) => {
    const [masked] = redactTexts([text]);
    expect(masked).toBe(shape.replace('@', maskOf(address)));
  });

  it('masks a run of more than four groups whole, since which four is ambiguous', () => {
    const [masked] = redactTexts(['node-10-20-30-40-2 and 1.10.0.0.7']);
    expect(masked).toMatch(/^node-ip-[0-9a-f]{6,} and ip-[0-9a-f]{6,}$/);
  });

  it('keeps text that only looks like an address', () => {
    const texts = ['v1.29.3-eks-1', '2026-01-01T00:00:03.000Z', 'Windows 10.0.17763.5122', '30000-32767', 'de:ad:be:ef:00:01', 'cafe--babe'];
    expect(redactTexts(texts)).toEqual(texts);
  });
});

describe('redactSnapshot: context, providers and cloud accounts', () => {
  const EKS_CONTEXT = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';

  it('masks the context name everywhere and keeps the account number masked in any other text', () => {
    const original = sampleSnapshot();
    const snapshot = sampleSnapshot({
      context: EKS_CONTEXT,
      inventory: { ...original.inventory, source: { ...original.inventory.source, context: EKS_CONTEXT } },
      whatIf: [`kubectl --context ${EKS_CONTEXT}`, 'image 123456789012.dkr.ecr.us-east-1.amazonaws.com/app', 'account 1234-5678-9012'],
    });
    const redacted = redactSnapshot(snapshot, { key: KEY }).snapshot;
    expect(redacted.context).toMatch(/^ctx-[0-9a-f]{6,}$/);
    expect(redacted.inventory.source.context).toBe(redacted.context);
    const [command, image, account] = redacted.whatIf;
    expect(command).toBe(`kubectl --context ${redacted.context}`);
    const acct = /^image (acct-[0-9a-f]{6,})\.dkr\.ecr\.us-east-1\.amazonaws\.com\/app$/.exec(image!)?.[1];
    expect(acct).toBeDefined();
    expect(account).toBe(`account ${acct}`);
    expect(JSON.stringify(redacted)).not.toMatch(/123456789012|prod\b/);
  });

  it('keeps the demo and in-cluster context names, which name no one', () => {
    expect(redactSnapshot(sampleSnapshot({ context: 'demo/lab', sourceMode: 'demo' })).snapshot.context).toBe('demo/lab');
    expect(redactSnapshot(sampleSnapshot({ context: 'in-cluster' })).snapshot.context).toBe('in-cluster');
  });

  it('masks providerIDs but keeps their scheme, and masks the project or subscription wherever else it appears', () => {
    const original = sampleSnapshot();
    const [cp1, wkA, wkB, ec2] = original.inventory.nodes;
    const subscription = '0b1f6471-1bf0-4dda-aec3-111122223333';
    const nodes = [
      { ...cp1!, providerID: 'gce://my-project-123/us-central1-a/gke-prod-pool-1-abcd' },
      { ...wkA!, providerID: `azure:///subscriptions/${subscription}/resourceGroups/MC_shop-rg_prod_westeurope/providers/Microsoft.Compute/virtualMachines/vm0` },
      { ...wkB!, providerID: 'openstack:///4b1c9a2e-7d3f-4e8a-9b6c-0d1e2f3a4b5c' },
      ec2!,
    ];
    const snapshot = sampleSnapshot({
      inventory: { ...original.inventory, nodes },
      whatIf: ['node.c.my-project-123.internal', `az account set -s ${subscription.toUpperCase()}`, 'group MC_shop-rg_prod_westeurope', 'instance i-0a1b2c3d4e5f60718'],
    });
    const redacted = redactSnapshot(snapshot, { key: KEY }).snapshot;
    const ids = redacted.inventory.nodes.map((n) => n.providerID);
    expect(ids).toEqual([
      expect.stringMatching(/^gce:\/\/cloud-[0-9a-f]{6,}$/),
      expect.stringMatching(/^azure:\/\/cloud-[0-9a-f]{6,}$/),
      expect.stringMatching(/^openstack:\/\/cloud-[0-9a-f]{6,}$/),
      expect.stringMatching(/^aws:\/\/cloud-[0-9a-f]{6,}$/),
    ]);
    expect(redacted.whatIf).toEqual([
      expect.stringMatching(/^node\.c\.cloud-[0-9a-f]{6,}\.internal$/),
      expect.stringMatching(/^az account set -s cloud-[0-9a-f]{6,}$/),
      expect.stringMatching(/^group cloud-[0-9a-f]{6,}$/),
      expect.stringMatching(/^instance cloud-[0-9a-f]{6,}$/),
    ]);
    const text = JSON.stringify(redacted);
    for (const secret of ['my-project-123', subscription, 'shop-rg', '4b1c9a2e', 'i-0a1b2c3d4e5f60718', 'eu-central-1a/i-']) {
      expect(text, secret).not.toContain(secret);
    }
  });

  it('masks load balancer host names, which resolve to the cluster’s addresses', () => {
    const original = sampleSnapshot();
    const elb = 'a1b2c3d4e5f6-1234567890.eu-central-1.elb.amazonaws.com';
    const services = original.inventory.services.map((s, i) => (i === 0 ? { ...s, loadBalancerIngress: [{ hostname: elb }] } : s));
    const redacted = redactSnapshot(sampleSnapshot({ inventory: { ...original.inventory, services }, whatIf: [`curl http://${elb}/`] }), { key: KEY }).snapshot;
    const host = redacted.inventory.services[0]!.loadBalancerIngress[0]!.hostname!;
    expect(host).toMatch(/^host-[0-9a-f]{6,}$/);
    expect(redacted.whatIf[0]).toBe(`curl http://${host}/`);
  });

  it('masks node names inside longer names when asked (static pods carry their node’s name)', () => {
    const [masked] = redactSnapshot(sampleSnapshot({ whatIf: ['kube-apiserver-cp-1 on cp-1'] }), { key: KEY, nodeNames: true }).snapshot.whatIf;
    expect(masked).toMatch(/^kube-apiserver-(node-[0-9a-f]{6,}) on \1$/);
  });

  it('changes nothing when a redacted snapshot is redacted again, with another key', () => {
    const once = redactSnapshot(sampleSnapshot({ context: EKS_CONTEXT }), { key: KEY, nodeNames: true }).snapshot;
    const twice = redactSnapshot(once, { key: Buffer.alloc(32, 9) }).snapshot;
    expect(twice).toEqual(once);
  });
});

// ───────────────────────────── property: nothing survives ─────────────────────────────

const octet = fc.nat(255);
const ipv4Groups = fc.tuple(octet, octet, octet, octet).filter((g) => g.some((o) => o !== 0));

/** An IPv4 address spelled the ways names and messages spell it. */
const ipv4Spelling = fc.tuple(ipv4Groups, fc.nat(7)).map(([g, form]) => {
  const [a, b, c, d] = g;
  return [
    `${a}.${b}.${c}.${d}`,
    `ip-${a}-${b}-${c}-${d}.ec2.internal`,
    `app.${a}.${b}.${c}.${d}.nip.io`,
    `ec2-${a}-${b}-${c}-${d}.compute-1.amazonaws.com`,
    `node-${a}-${b}-${c}-${d}`,
    `${a}_${b}_${c}_${d}`,
    g.map((o) => String(o).padStart(3, '0')).join('.'),
    `${a}-${b}-${c}-${d}.sslip.io`,
  ][form]!;
});

/** An IPv6 address as fast-check writes it (full, compressed, IPv4-mapped), with colons, dashes or underscores. */
const ipv6Spelling = fc
  .tuple(fc.ipV6().filter((a) => canonicalIPv6(a) !== '::'), fc.nat(4))
  .map(([address, form]) => [address, `[${address}]:8443`, `${address.replaceAll(':', '-')}.sslip.io`, address.replaceAll(':', '_'), address.toUpperCase()][form]!);

/** A 12-digit AWS account number, alone, in an ARN or dashed as the console shows it. */
const accountId = fc
  .tuple(fc.stringMatching(/^[0-9]{12}$/), fc.nat(2))
  .map(([id, form]) => [id, `arn:aws:iam::${id}:role/x`, `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`][form]!);

const glue = fc.constantFrom('', ' ', '/', '@', '=', ',', '"', '(', 'x', '-', '.');
const secret = fc.tuple(glue, fc.oneof(ipv4Spelling, ipv6Spelling, accountId), glue).map(([a, s, b]) => `${a}${s}${b}`);

/**
 * IPv4 in any separator, IPv6 with any separator, 12-digit account numbers: what must not be left in a redacted JSON.
 * Each finding comes with the text around it.
 */
function leftovers(json: string): string[] {
  const found: string[] = [];
  const around = (index: number, length: number) => `${json.slice(index, index + length)} in …${json.slice(Math.max(0, index - 40), index + length + 40)}…`;
  for (const m of json.matchAll(/(?<!\d)(\d{1,3})([._-])(\d{1,3})\2(\d{1,3})\2(\d{1,3})(?!\d)/g)) {
    const groups = [m[1], m[3], m[4], m[5]].map(Number);
    if (groups.every((g) => g <= 255) && groups.some((g) => g !== 0)) found.push(around(m.index, m[0].length));
  }
  for (const separator of [':', '-', '_']) {
    const run = separator === ':' ? /[0-9A-Fa-f.:]+/g : new RegExp(`[0-9A-Fa-f${separator}]+`, 'g');
    for (const m of json.matchAll(run)) {
      const tokens = m[0].split(separator);
      // Hex letters glued into a word ("iam::acct-…") are that word, not an address.
      const word = (token: string, next: string | undefined) => token !== '' && !/\d/.test(token) && /[A-Za-z]/.test(next ?? '');
      const firstIsWord = word(tokens[0]!, json[m.index - 1]);
      const lastIsWord = word(tokens.at(-1)!, json[m.index + m[0].length]);
      for (let from = firstIsWord ? 1 : 0; from < tokens.length; from++) {
        for (let to = from + 2; to < Math.min(tokens.length - (lastIsWord ? 1 : 0), from + 9); to++) {
          const candidate = tokens.slice(from, to + 1).join(':');
          if (!isIPv6(candidate) || canonicalIPv6(candidate) === '::') continue;
          if (separator !== ':' && !(candidate.includes('::') || to - from === 7)) continue;
          if (separator !== ':' && !/\d/.test(candidate)) continue;
          const text = tokens.slice(from, to + 1).join(separator);
          found.push(around(m.index + tokens.slice(0, from).join(separator).length + (from > 0 ? 1 : 0), text.length));
        }
      }
    }
  }
  for (const m of json.matchAll(/(?<!\d)\d{12}(?!\d)/g)) found.push(around(m.index, m[0].length));
  return found;
}

describe('redactSnapshot: property', () => {
  const original = sampleSnapshot();
  const keepOnly = (found: string[]) => found.filter((f) => !/^0\.0\.0\.0$/.test(f));

  it('the unredacted sample is caught by the check, the redacted sample passes it', () => {
    expect(keepOnly(leftovers(JSON.stringify(original))).length).toBeGreaterThan(20);
    const { id: _id, ...redacted } = redactSnapshot(original).snapshot;
    expect(leftovers(JSON.stringify(redacted))).toEqual([]);
  });

  it('leaves no IPv4 or IPv6 address and no account number anywhere, whatever name or text holds it', () => {
    const [node, ...nodes] = original.inventory.nodes;
    const [path, ...paths] = original.paths;
    const [hop, ...hops] = path!.hops;
    fc.assert(
      fc.property(fc.array(secret, { minLength: 7, maxLength: 7 }), fc.boolean(), (s, nodeNames) => {
        const snapshot = sampleSnapshot({
          context: s[0]!,
          whatIf: [`${s[1]} then ${s[2]}`],
          inventory: {
            ...original.inventory,
            source: { ...original.inventory.source, context: s[0]!, server: `https://${s[3]}:6443` },
            nodes: [{ ...node!, name: s[4]!, labels: { ...node!.labels, [`example.com/${s[5]}`]: s[5]! } }, ...nodes],
          },
          paths: [{ ...path!, hops: [{ ...hop!, name: s[6]!, details: { ...hop!.details, note: s.join(' ') } }, ...hops] }, ...paths],
        });
        // All but the id, random base64url that can spell "4--" or "a__b".
        const { id: _id, ...redacted } = redactSnapshot(snapshot, { nodeNames }).snapshot;
        expect(leftovers(JSON.stringify(redacted))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
