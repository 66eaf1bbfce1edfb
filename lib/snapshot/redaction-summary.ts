import type { Snapshot } from '@/lib/types';

// What a redacted snapshot still shows and what it hides, in words, for the share dialog and the snapshot banner.
// Pure and free of Node modules: the share dialog runs it in the browser.

/**
 * The kinds of masks redaction writes: "ip-3f9a1c" for an IPv4 address, "ip6-…" IPv6, "node-…" a node name,
 * "host-…" a host name (API server, load balancer), "ctx-…" the kubeconfig context, "acct-…" a cloud account
 * number, "cloud-…" a provider id, project, resource group or cloud resource id.
 */
export const MASK_KINDS = ['ip', 'ip6', 'node', 'host', 'ctx', 'acct', 'cloud'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

/** A mask as redaction writes it: kind, dash, six or more hex digits of an HMAC. */
export const MASK_TEXT = /^(?:ip|ip6|node|host|ctx|acct|cloud)-[0-9a-f]{6,}$/;
const MASK_IN_TEXT = /(?<![A-Za-z0-9])(ip|ip6|node|host|ctx|acct|cloud)-[0-9a-f]{6,}(?![0-9a-f])/g;

export function isMask(text: string): boolean {
  return MASK_TEXT.test(text);
}

/** Distinct masks per kind. */
export type MaskCounts = Record<MaskKind, number>;

/** Counts the distinct masks a (redacted) snapshot holds, wherever they are. */
export function countMasks(snapshot: Snapshot): MaskCounts {
  const seen = new Set<string>();
  const { id: _id, ...content } = snapshot;
  for (const m of JSON.stringify(content).matchAll(MASK_IN_TEXT)) seen.add(m[0]);
  const counts = Object.fromEntries(MASK_KINDS.map((kind) => [kind, 0])) as MaskCounts;
  for (const mask of seen) counts[mask.slice(0, mask.indexOf('-')) as MaskKind] += 1;
  return counts;
}

export interface RedactionSummary {
  /** What a reader of the link still sees. */
  visible: string[];
  /** What is masked; with counts once the snapshot exists. */
  hidden: string[];
  /** "visible: …; hidden: …" */
  text: string;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * What redaction keeps and what it masks. Without counts (before sharing) it names the categories; with the counts of
 * a redacted snapshot it says how many of each were masked.
 */
export function redactionSummary(options: { nodeNames: boolean; counts?: MaskCounts | null }): RedactionSummary {
  const { counts } = options;
  const nodeNames = options.nodeNames || (counts?.node ?? 0) > 0;
  const visible = [
    'Service, Ingress and namespace names',
    'Ingress hosts',
    'ports',
    'verdicts and findings',
    ...(nodeNames ? [] : ['node names (unless they spell an address)']),
    'pod names',
  ];
  let hidden: string[];
  if (counts) {
    const addresses = counts.ip + counts.ip6;
    const cloudIds = counts.acct + counts.cloud;
    hidden = [
      plural(addresses, 'address', 'addresses'),
      ...(nodeNames ? [plural(counts.node, 'node name', 'node names')] : []),
      ...(counts.host > 0 ? [plural(counts.host, 'host name', 'host names')] : []),
      ...(counts.ctx > 0 ? ['the context name'] : []),
      ...(cloudIds > 0 ? [plural(cloudIds, 'account or cloud id', 'account and cloud ids')] : []),
    ];
  } else {
    hidden = [
      'every IPv4 and IPv6 address, also inside names',
      ...(nodeNames ? ['node names'] : []),
      'API server and load balancer host names',
      'the context name',
      'account, project and instance ids',
    ];
  }
  return { visible, hidden, text: `visible: ${visible.join(', ')}; hidden: ${hidden.join(', ')}` };
}

/** The summary of a stored snapshot, from the masks it holds; null when it is not redacted. */
export function summarizeRedaction(snapshot: Snapshot): RedactionSummary | null {
  if (!snapshot.redacted) return null;
  return redactionSummary({ nodeNames: false, counts: countMasks(snapshot) });
}
