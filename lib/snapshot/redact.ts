import { createHmac, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { SnapshotSchema, type Snapshot } from './schema';

export interface RedactionOptions {
  /** Also mask node names everywhere (they often embed the node IP, e.g. AWS "ip-10-0-1-23.ec2.internal"). */
  nodeNames?: boolean;
  /** HMAC key; a fresh random one per snapshot unless given (tests pass one to compare two runs). */
  key?: Buffer;
}

// Candidates are checked with node:net before masking, so the patterns only need to find every real address.
const IPV4_CANDIDATE = /(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?!\d)/g;
const IPV6_CANDIDATE = /(?<![0-9A-Za-z:.-])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,8}(?![0-9A-Za-z:])/g;
/** Cloud hostnames that spell the address with dashes (AWS "ip-10-0-1-23", GCE-style "10-0-1-23.nip.io"). */
const DASHED_IPV4 = /(?<![0-9A-Za-z-])(ip-)?(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(?![0-9A-Za-z-])/g;

/** The unspecified addresses carry no information about anyone ("0.0.0.0/0" = trust everybody) and stay readable. */
const KEPT = new Set(['0.0.0.0', '::']);

/** Canonical IPv6 text, so that 2001:DB8:0::1 and 2001:db8::1 get one mask. */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * Consistent masking: the same address always gets the same mask within one snapshot, so the picture (which hop sees
 * which peer) stays readable. Masks come from an HMAC with a random per-snapshot key that is thrown away: IPv4 space is
 * small, and an unkeyed hash could be reversed by hashing all 2^32 addresses.
 */
class Masker {
  private readonly masks = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly key: Buffer) {}

  mask(prefix: 'ip' | 'ip6' | 'node' | 'host', value: string): string {
    const known = this.masks.get(`${prefix}\0${value}`);
    if (known) return known;
    const digest = createHmac('sha256', this.key).update(`${prefix}\0${value}`).digest('hex');
    // Six hex digits read well; lengthen only on a collision, so two addresses never share a mask.
    let length = 6;
    let mask = `${prefix}-${digest.slice(0, length)}`;
    while (this.taken.has(mask)) {
      length += 2;
      mask = `${prefix}-${digest.slice(0, length)}`;
    }
    this.taken.add(mask);
    this.masks.set(`${prefix}\0${value}`, mask);
    return mask;
  }

  get count(): number {
    return this.masks.size;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces whole names (not parts of longer names) with their masks. */
function nameReplacer(names: string[], prefix: 'node' | 'host', masker: Masker): (text: string) => string {
  const unique = [...new Set(names.filter((n) => n.length > 0))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return (text) => text;
  const pattern = new RegExp(`(?<![A-Za-z0-9.-])(?:${unique.map(escapeRegExp).join('|')})(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`, 'g');
  return (text) => text.replace(pattern, (name) => masker.mask(prefix, name));
}

function addressReplacer(masker: Masker): (text: string) => string {
  const maskV4 = (address: string) => (KEPT.has(address) ? address : masker.mask('ip', address));
  return (text) =>
    text
      .replace(IPV4_CANDIDATE, (candidate) => (isIPv4(candidate) ? maskV4(candidate) : candidate))
      .replace(DASHED_IPV4, (candidate, _prefix: string | undefined, a: string, b: string, c: string, d: string) => {
        const address = `${a}.${b}.${c}.${d}`;
        return isIPv4(address) ? maskV4(address) : candidate;
      })
      .replace(IPV6_CANDIDATE, (candidate) => {
        if (!isIPv6(candidate)) return candidate;
        const canonical = canonicalIPv6(candidate);
        return KEPT.has(canonical) ? candidate : masker.mask('ip6', canonical);
      });
}

/** Applies `rewrite` to every string in a JSON value, object keys included. */
function rewriteStrings(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => rewriteStrings(item, rewrite));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [rewrite(key), rewriteStrings(item, rewrite)]),
    );
  }
  return value;
}

function apiServerHost(server: string): string | null {
  if (!URL.canParse(server)) return null;
  const host = new URL(server).hostname;
  return host === '' || host.startsWith('[') || isIPv4(host) ? null : host;
}

export interface RedactionResult {
  snapshot: Snapshot;
  /** How many distinct addresses and names were masked. */
  masked: number;
}

/**
 * Masks client, node, load balancer, pod and service addresses everywhere in a snapshot — inventory, paths, findings,
 * trace observations and the echo's raw text — so a link can go into a public issue. The API server's host name is
 * masked too; node names only on request. Identity fields (id, timestamps, version) are left alone.
 */
export function redactSnapshot(snapshot: Snapshot, options: RedactionOptions = {}): RedactionResult {
  const masker = new Masker(options.key ?? randomBytes(32));
  const host = apiServerHost(snapshot.inventory.source.server);
  const replaceHost = nameReplacer(host ? [host] : [], 'host', masker);
  const replaceNodes = options.nodeNames
    ? nameReplacer(snapshot.inventory.nodes.map((n) => n.name), 'node', masker)
    : (text: string) => text;
  const replaceAddresses = addressReplacer(masker);
  const rewrite = (text: string) => replaceAddresses(replaceNodes(replaceHost(text)));

  const { schemaVersion, id, createdAt, storedAt, appVersion, ...content } = snapshot;
  const redactedContent = rewriteStrings(content, rewrite) as Record<string, unknown>;
  const redacted = SnapshotSchema.parse({
    ...redactedContent,
    schemaVersion,
    id,
    createdAt,
    storedAt,
    appVersion,
    redacted: true,
  });
  return { snapshot: redacted, masked: masker.count };
}
