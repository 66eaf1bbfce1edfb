import { createHmac, randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { cloudNamesIn, maskAddresses, maskCloudIds, maskProviderIds, nameReplacer, type MaskFn } from './redact-text';
import { isMask, type MaskKind } from './redaction-summary';
import { SnapshotSchema, type Snapshot } from './schema';

export interface RedactionOptions {
  /** Also mask node names everywhere (names that spell the node's address are masked regardless). */
  nodeNames?: boolean;
  /** HMAC key; a fresh random one per snapshot unless given (tests pass one to compare two runs). */
  key?: Buffer;
}

/**
 * Consistent masking: the same identifier always gets the same mask within one snapshot, so the picture (which hop
 * sees which peer) stays readable. Masks come from an HMAC with a random per-snapshot key that is thrown away: IPv4
 * space is small, and an unkeyed hash could be reversed by hashing all 2^32 addresses. A value that already is a mask
 * (a redacted snapshot redacted again on import) stays as it is.
 */
class Masker {
  private readonly masks = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly key: Buffer) {}

  readonly mask: MaskFn = (kind, value) => {
    if (isMask(value)) return value;
    const id = `${kind}\0${value}`;
    const known = this.masks.get(id);
    if (known) return known;
    const digest = createHmac('sha256', this.key).update(id).digest('hex');
    // Six hex digits read well; lengthen only on a collision, so two identifiers never share a mask.
    let length = 6;
    let mask = `${kind}-${digest.slice(0, length)}`;
    while (this.taken.has(mask)) {
      length += 2;
      mask = `${kind}-${digest.slice(0, length)}`;
    }
    this.taken.add(mask);
    this.masks.set(id, mask);
    return mask;
  };

  get count(): number {
    return this.masks.size;
  }
}

/** Applies `rewrite` to every string in a JSON value, object keys included. */
function rewriteStrings(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => rewriteStrings(item, rewrite));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [rewrite(key), rewriteStrings(item, rewrite)]));
  }
  return value;
}

function hostOf(server: string): string | null {
  if (!URL.canParse(server)) return null;
  const host = new URL(server).hostname;
  return host === '' || host.startsWith('[') || isIPv4(host) ? null : host;
}

/** Host names that resolve to the cluster's own addresses: the API server and the cloud load balancers' names. */
function clusterHostNames(snapshot: Snapshot): string[] {
  const { inventory } = snapshot;
  const lbHosts = inventory.services.flatMap((s) => s.loadBalancerIngress.flatMap((i) => (i.hostname ? [i.hostname] : [])));
  const ingressHosts = inventory.ingresses.flatMap((i) => i.addresses).filter((a) => /[A-Za-z]/.test(a) && a.includes('.'));
  return [hostOf(inventory.source.server), ...lbHosts, ...ingressHosts].filter((h): h is string => h !== null && !isMask(h));
}

/** Fixed context names that say nothing about anyone's cluster. */
function isGenericContext(snapshot: Snapshot, context: string): boolean {
  return context === '' || context === 'in-cluster' || (snapshot.sourceMode === 'demo' && context.startsWith('demo/'));
}

/** A context name too short to be told from ordinary words is masked only where it is the whole value. */
const MIN_CONTEXT_IN_TEXT = 6;

function contextReplacer(snapshot: Snapshot, mask: MaskFn): (text: string) => string {
  const contexts = [...new Set([snapshot.context, snapshot.inventory.source.context])].filter((c) => !isGenericContext(snapshot, c));
  const inText = nameReplacer(
    contexts.filter((c) => c.length >= MIN_CONTEXT_IN_TEXT),
    'ctx',
    mask,
    'whole',
  );
  return (text) => (contexts.includes(text) ? mask('ctx', text) : inText(text));
}

/** Node names shorter than this are masked only as whole names, so "a" does not mask every "-a". */
const MIN_NODE_NAME_AS_TOKEN = 4;

function nodeNameReplacer(snapshot: Snapshot, mask: MaskFn): (text: string) => string {
  const names = snapshot.inventory.nodes.map((n) => n.name).filter((n) => !isMask(n));
  // As a token too: static pods carry their node's name ("kube-apiserver-cp-1").
  const asToken = nameReplacer(names.filter((n) => n.length >= MIN_NODE_NAME_AS_TOKEN), 'node', mask, 'token');
  const whole = nameReplacer(names.filter((n) => n.length < MIN_NODE_NAME_AS_TOKEN), 'node', mask, 'whole');
  return (text) => whole(asToken(text));
}

export interface RedactionResult {
  snapshot: Snapshot;
  /** How many distinct identifiers were masked. */
  masked: number;
}

/**
 * Masks what identifies a cluster everywhere in a snapshot — inventory, paths, findings, trace observations and the
 * echo's raw text, object keys included — so a link can go into a public issue: every IP address in any spelling
 * (also inside names like "ip-10-0-1-23.ec2.internal" or "app.10.1.2.3.nip.io"), the context name, the API server
 * and load balancer host names, node providerIDs, cloud account numbers, projects, resource groups and resource ids,
 * and node names on request. Identity fields (id, timestamps, version, import record) are left alone.
 */
export function redactSnapshot(snapshot: Snapshot, options: RedactionOptions = {}): RedactionResult {
  const masker = new Masker(options.key ?? randomBytes(32));
  const { mask } = masker;
  const { schemaVersion, id, createdAt, storedAt, appVersion, imported, ...content } = snapshot;

  const replaceContext = contextReplacer(snapshot, mask);
  const replaceHosts = nameReplacer(clusterHostNames(snapshot), 'host', mask, 'whole');
  const replaceCloudNames = nameReplacer(cloudNamesIn(JSON.stringify(content)), 'cloud', mask, 'token');
  const replaceNodes = options.nodeNames ? nodeNameReplacer(snapshot, mask) : (text: string) => text;
  // Names first (a context or host name may hold an address or an account number), then the patterns.
  const rewriteOnce = (text: string) =>
    maskCloudIds(maskAddresses(replaceNodes(replaceCloudNames(maskProviderIds(replaceHosts(replaceContext(text)), mask))), mask), mask);
  // Names, ids and addresses repeat across inventory, paths and trace; masks are fixed per snapshot, so is the result.
  const rewritten = new Map<string, string>();
  const rewrite = (text: string) => {
    let result = rewritten.get(text);
    if (result === undefined) {
      result = rewriteOnce(text);
      rewritten.set(text, result);
    }
    return result;
  };

  const redactedContent = rewriteStrings(content, rewrite) as Record<string, unknown>;
  // The trace id is a random UUID that names nothing; it stays, so it is not counted as a cloud id.
  const trace = content.trace && { ...(redactedContent.trace as object), id: content.trace.id };
  const redacted = SnapshotSchema.parse({
    ...redactedContent,
    trace,
    schemaVersion,
    id,
    createdAt,
    storedAt,
    appVersion,
    redacted: true,
    ...(imported ? { imported } : {}),
  });
  return { snapshot: redacted, masked: masker.count };
}
