import { isIPv6 } from 'node:net';
import { isMask, type MaskKind } from './redaction-summary';

// Finding what identifies a cluster in free text: addresses in every spelling a name or a message uses (dotted,
// dashed and underscored IPv4; IPv6 with colons, dashes or underscores, compressed or not), cloud account numbers
// and cloud resource ids. Each finder hands what it found to `mask` with a canonical key, so one address spelled two
// ways ("10.0.1.23" and "ip-10-0-1-23") gets one mask. When a spelling is ambiguous the finder masks more, not less.

/** Gives the mask for one identifier; the same kind and key always give the same mask. */
export type MaskFn = (kind: MaskKind, key: string) => string;

/** "0.0.0.0/0" and "::/0" (trust everybody) name no one and stay readable. */
const KEPT_IPV4 = '0.0.0.0';
const KEPT_IPV6 = '::';

/** Canonical IPv6 text, so that 2001:DB8:0::1 and 2001:db8::1 get one mask. */
export function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** Four groups of 1–3 digits, each at most 255, as canonical dotted text (leading zeros dropped); else null. */
function ipv4Of(groups: readonly string[]): string | null {
  if (groups.length !== 4) return null;
  if (groups.some((g) => g.length === 0 || g.length > 3 || Number(g) > 255)) return null;
  return groups.map(Number).join('.');
}

/**
 * Masks one run of digit groups joined by one separator. Exactly four groups: one address. More than four with an
 * address somewhere in them ("1.10.0.0.7", "node-10-20-30-40-2"): which four is ambiguous, so the whole run is masked.
 */
function maskDigitRun(groups: readonly string[], separator: string, mask: MaskFn): string | null {
  const address = ipv4Of(groups);
  if (address !== null) return address === KEPT_IPV4 ? null : mask('ip', address);
  if (groups.length > 4) {
    for (let i = 0; i + 4 <= groups.length; i++) {
      if (ipv4Of(groups.slice(i, i + 4)) !== null) return mask('ip', groups.join('.'));
    }
  }
  return null;
}

const DOTTED_RUN = /(?<![0-9])\d+(?:\.\d+){3,}(?![0-9])/g;
/** "ip-10-0-1-23" (AWS), "node-10-20-30-40", "10-0-1-23.nip.io", "ec2-54-12-1-2.compute-1.amazonaws.com", "10_0_1_23". */
const SEPARATED_RUN = /(?<![0-9])(ip[-_])?(\d+(?:-\d+){3,}|\d+(?:_\d+){3,})(?![0-9])/gi;

function maskIPv4(text: string, mask: MaskFn): string {
  const dotted = text.replace(DOTTED_RUN, (run) => maskDigitRun(run.split('.'), '.', mask) ?? run);
  return dotted.replace(SEPARATED_RUN, (match: string, prefix: string | undefined, run: string, offset: number, whole: string) => {
    const separator = run.includes('-') ? '-' : '_';
    const groups = run.split(separator);
    // "ec2-54-12-1-2": the first group belongs to the word before it when that leaves an address.
    if (!prefix && groups.length > 4 && /[A-Za-z]/.test(whole[offset - 1] ?? '')) {
      const rest = maskDigitRun(groups.slice(1), separator, mask);
      if (rest !== null) return `${groups[0]}${separator}${rest}`;
    }
    const masked = maskDigitRun(groups, separator, mask);
    return masked === null ? match : masked;
  });
}

/** IPv6 has at most 8 groups; with "::" at one end that is 9 separator-split tokens. */
const MAX_IPV6_TOKENS = 9;

const HEX_RUNS: Record<':' | '-' | '_', RegExp> = {
  // The IPv4-mapped form ends in a dotted quad: ::ffff:192.0.2.1
  ':': /[0-9A-Fa-f.:]+/g,
  '-': /[0-9A-Fa-f-]+/g,
  '_': /[0-9A-Fa-f_]+/g,
};

function ipv6Key(tokens: readonly string[], separator: ':' | '-' | '_'): string | null {
  const candidate = tokens.join(':');
  if (!isIPv6(candidate)) return null;
  // Spelled with dashes or underscores, only a compressed or a full address is one ("2001-db8--1", not "ab-c-d").
  if (separator !== ':' && !(/\d/.test(candidate) && (tokens.includes('') || tokens.length === 8))) return null;
  const canonical = canonicalIPv6(candidate);
  return canonical === KEPT_IPV6 ? null : canonical;
}

interface Run {
  tokens: readonly string[];
  /** The first (last) token touches a letter or digit outside the run: "svc:2001:db8::1" → "c". */
  gluedFirst: boolean;
  gluedLast: boolean;
}

/** A glued token with letters and no digit belongs to the word it is glued to. */
function isWordPart(token: string): boolean {
  return token !== '' && !/[0-9]/.test(token);
}

/** The longest address among the run's token ranges, preferring ranges that leave glued tokens out. */
function longestIPv6(run: Run, separator: ':' | '-' | '_'): { from: number; to: number; key: string } | null {
  const { tokens } = run;
  let best: { from: number; to: number; key: string; score: number } | null = null;
  for (let from = 0; from < tokens.length; from++) {
    for (let to = from + 1; to < Math.min(tokens.length, from + MAX_IPV6_TOKENS); to++) {
      const range = tokens.slice(from, to + 1);
      const key = ipv6Key(range, separator);
      if (key === null) continue;
      const touchesFirst = run.gluedFirst && from === 0;
      const touchesLast = run.gluedLast && to === tokens.length - 1;
      // Hex letters glued into a word ("iam::acct-…" → "acc") are the word, never part of an address.
      if ((touchesFirst && isWordPart(tokens[0]!)) || (touchesLast && isWordPart(tokens.at(-1)!))) continue;
      const touchesGlue = touchesFirst || touchesLast;
      // A clean range always beats one that takes in a glued token; then the longer text wins.
      const score = (touchesGlue ? 0 : 1_000_000) + range.join(separator).length;
      if (best === null || score > best.score) best = { from, to, key, score };
    }
  }
  return best;
}

/**
 * Masks the IPv6 addresses in one run of hex digits and separators. Within the run the longest address wins (the
 * run may also hold a port, a MAC or a word), and what is left on either side is searched again. A token glued to a
 * letter outside the run is only taken in when there is no address without it, so "svc:2001:db8::1" keeps its "svc"
 * but "x2001:db8:1:2:3:4:5:6" still loses its address.
 */
function maskIPv6Run(run: Run, separator: ':' | '-' | '_', mask: MaskFn): string {
  const best = longestIPv6(run, separator);
  if (best === null) return run.tokens.join(separator);
  const left: Run = { tokens: run.tokens.slice(0, best.from), gluedFirst: run.gluedFirst, gluedLast: false };
  const right: Run = { tokens: run.tokens.slice(best.to + 1), gluedFirst: false, gluedLast: run.gluedLast };
  return [
    ...(left.tokens.length > 0 ? [maskIPv6Run(left, separator, mask)] : []),
    mask('ip6', best.key),
    ...(right.tokens.length > 0 ? [maskIPv6Run(right, separator, mask)] : []),
  ].join(separator);
}

const GLUE = /[A-Za-z0-9_]/;

function maskIPv6(text: string, separator: ':' | '-' | '_', mask: MaskFn): string {
  return text.replace(HEX_RUNS[separator], (match: string, start: number, whole: string) => {
    // Dots at either end are punctuation or a domain ("1::0.0.0.1." ends a sentence), not part of the address.
    const lead = /^\.*/.exec(match)![0].length;
    const trail = match.length > lead ? /\.*$/.exec(match)![0].length : 0;
    const found = match.slice(lead, match.length - trail);
    const tokens = found.split(separator);
    if (tokens.length < 3) return match;
    const offset = start + lead;
    const run = { tokens, gluedFirst: GLUE.test(whole[offset - 1] ?? ''), gluedLast: GLUE.test(whole[offset + found.length] ?? '') };
    return `${match.slice(0, lead)}${maskIPv6Run(run, separator, mask)}${match.slice(match.length - trail)}`;
  });
}

/** Every IP address in the text, in every spelling above, replaced by its mask. */
export function maskAddresses(text: string, mask: MaskFn): string {
  // Every spelling has a digit, except IPv6 with colons ("fe::ab").
  if (!/[0-9:]/.test(text)) return text;
  let result = maskIPv6(text, ':', mask);
  result = maskIPv4(result, mask);
  // Again, in case masking a dotted quad left an IPv6 prefix standing on its own.
  result = maskIPv6(result, ':', mask);
  result = maskIPv6(result, '-', mask);
  return maskIPv6(result, '_', mask);
}

const ACCOUNT_ID = /(?<![0-9])\d{12}(?![0-9])/g;
/** AWS shows account ids as 1234-5678-9012 in its console. */
const DASHED_ACCOUNT_ID = /(?<![0-9-])\d{4}-\d{4}-\d{4}(?![0-9-])/g;
/** Azure subscription and tenant ids, OpenStack and vSphere instance ids. */
const GUID = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f])/g;
/** AWS resource ids: instances, volumes, images, network interfaces, VPCs, subnets, security groups, … */
const AWS_RESOURCE_ID =
  /(?<![A-Za-z0-9])(?:i|eni|vol|ami|snap|vpc|subnet|sg|igw|nat|rtb|lt|eipalloc|vpce|elbv2)-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![A-Za-z0-9])/g;

/** AWS account numbers (12 digits, also dashed) and cloud resource ids (GUIDs, AWS ids). Run after maskAddresses. */
export function maskCloudIds(text: string, mask: MaskFn): string {
  return text
    .replace(GUID, (guid) => mask('cloud', guid.toLowerCase()))
    .replace(AWS_RESOURCE_ID, (id) => mask('cloud', id))
    .replace(ACCOUNT_ID, (id) => mask('acct', id))
    .replace(DASHED_ACCOUNT_ID, (id) => mask('acct', id.replaceAll('-', '')));
}

/**
 * Node providerIDs name the cloud account or instance: "aws:///us-east-1a/i-0abc…", "gce://my-project/zone/name",
 * "azure:///subscriptions/…/resourceGroups/…". The scheme stays (it says which cloud); the rest becomes one mask.
 */
const PROVIDER_ID =
  /(?<![A-Za-z0-9])(aws|gce|azure|openstack|digitalocean|hcloud|vsphere|linode|oci|ibm|equinixmetal|packet|exoscale|scaleway|alicloud|huaweicloud|tencentcloud|cloudstack|ovhcloud|upcloud|vultr|civo|kubevirt|proxmox|kind|k3s|rke2):\/\/\/?[^\s"'<>,;()[\]{}]+/g;

export function maskProviderIds(text: string, mask: MaskFn): string {
  return text.replace(PROVIDER_ID, (id: string, scheme: string) => {
    const rest = id.slice(scheme.length).replace(/^:\/+/, '');
    return `${scheme}://${mask('cloud', isMask(rest) ? rest : id)}`;
  });
}

/**
 * Cloud project and resource-group names found in the snapshot, to be masked wherever else they appear (a GCE node's
 * "name.c.my-project.internal", a GKE context "gke_my-project_zone_cluster", an AKS "MC_group_cluster_region").
 */
export function cloudNamesIn(text: string): string[] {
  const names = new Set<string>();
  const add = (name: string | undefined) => {
    if (name && name.length >= 3) names.add(name);
  };
  for (const m of text.matchAll(/gce:\/\/([a-z][a-z0-9-]{4,28}[a-z0-9])\//g)) add(m[1]);
  for (const m of text.matchAll(/(?<![A-Za-z0-9])gke_([a-z][a-z0-9-]{4,28}[a-z0-9])_/g)) add(m[1]);
  for (const m of text.matchAll(/\.c\.([a-z][a-z0-9-]{4,28}[a-z0-9])\.internal(?![A-Za-z0-9-])/g)) add(m[1]);
  for (const m of text.matchAll(/(?<![A-Za-z0-9-])([a-z][a-z0-9-]{4,28}[a-z0-9])\.(?:iam\.gserviceaccount\.com|svc\.id\.goog)/g)) add(m[1]);
  for (const m of text.matchAll(/(?<![A-Za-z0-9])projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])(?![A-Za-z0-9-])/g)) add(m[1]);
  for (const m of text.matchAll(/\/resourceGroups\/([A-Za-z0-9._()-]{1,90})/gi)) add(m[1]);
  for (const m of text.matchAll(/(?<![A-Za-z0-9])(MC_[A-Za-z0-9._()-]+_[A-Za-z0-9-]+_[a-z0-9]+)(?![A-Za-z0-9_])/g)) add(m[1]);
  return [...names];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * How a name must be delimited to count as that name: `whole` for host names (not part of a longer host name),
 * `token` for names that also appear as one part of a longer name ("kube-apiserver-cp-1", "x.c.my-project.internal").
 */
const BOUNDARIES = {
  whole: ['(?<![A-Za-z0-9.-])', '(?![A-Za-z0-9-]|\\.[A-Za-z0-9])'],
  token: ['(?<![A-Za-z0-9])', '(?![A-Za-z0-9])'],
} as const;

/** Replaces the given names, longest first, with their masks. */
export function nameReplacer(names: readonly string[], kind: MaskKind, mask: MaskFn, boundary: keyof typeof BOUNDARIES): (text: string) => string {
  const unique = [...new Set(names.filter((n) => n.length > 0))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return (text) => text;
  const [before, after] = BOUNDARIES[boundary];
  const pattern = new RegExp(`${before}(?:${unique.map(escapeRegExp).join('|')})${after}`, 'g');
  return (text) => text.replace(pattern, (name) => mask(kind, name));
}
