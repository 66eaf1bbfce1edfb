// What each hop learns of the client address, reduced to the path verdict vocabulary so a hop can be
// coloured like a path. Definitions follow the public API (README "verdict"): preserved = TCP source,
// header = set by trusted infrastructure, lost = only an intermediate address, spoofable = a client-forgeable
// value is taken as the client, broken = requests fail, unreachable = no way through.
import { VERDICTS_BY_BADNESS, verdictOfBelief, worseVerdict } from '@/lib/model/verdict';
import type { AddressRole, ClientAddressVia, Hop, HopKind, NetPath, ProbeOutcome, VantageKind, Verdict } from '@/lib/types';

/** A hop's own status: a verdict, or "neutral" for hops that take no client address (the client itself). */
export type HopStatus = Verdict | 'neutral';

export interface StatusText {
  label: string;
  /** One line a platform engineer understands without reading docs. */
  meaning: string;
  /** A text glyph so the status never depends on colour alone. */
  icon: string;
}

export const STATUS_TEXT: Record<HopStatus, StatusText> = {
  preserved: { label: 'preserved', meaning: 'client address is the TCP source', icon: '✔' },
  header: { label: 'header', meaning: 'client address carried in a header set by trusted infrastructure', icon: '✉' },
  lost: { label: 'lost', meaning: 'only a node / load balancer / proxy address is visible (SNAT or proxy)', icon: '✖' },
  spoofable: { label: 'spoofable', meaning: 'a value the client can forge is taken as the client', icon: '⚠' },
  broken: { label: 'broken', meaning: 'requests fail here (e.g. PROXY protocol mismatch)', icon: '↯' },
  unreachable: { label: 'unreachable', meaning: 'no way through (e.g. Local policy on a node without endpoints)', icon: '∅' },
  neutral: { label: 'origin', meaning: 'where the request starts', icon: '●' },
};

/** Order of the legend and of severity: worse statuses sort later. */
export const STATUS_ORDER: HopStatus[] = ['neutral', ...VERDICTS_BY_BADNESS];

export const VIA_TEXT: Record<ClientAddressVia, string> = {
  source: 'TCP source',
  'x-forwarded-for': 'X-Forwarded-For',
  'x-real-ip': 'X-Real-IP',
  forwarded: 'Forwarded',
  'proxy-protocol': 'PROXY protocol',
  none: 'not carried',
};

export const ROLE_TEXT: Record<AddressRole, string> = {
  client: 'client',
  loadBalancer: 'load balancer',
  node: 'node',
  pod: 'pod',
  ingressController: 'ingress controller',
  svclb: 'svclb pod',
  attacker: 'forged by client',
  none: 'nobody',
};

/**
 * Outcomes that say where the request was sent from, not what the cluster did (lib/contract/enums.ts
 * PROBE_OUTCOMES): "not reachable from here", never a verdict.
 */
const VANTAGE_OUTCOMES: ReadonlySet<ProbeOutcome> = new Set<ProbeOutcome>(['no-route', 'dns', 'tls', 'not-sent']);
export const isVantageOutcome = (outcome: ProbeOutcome): boolean => VANTAGE_OUTCOMES.has(outcome);

/** Short names of vantages where space is scarce (a hop on the graph); titles are in lib/graph/vantages.ts. */
export const VANTAGE_TAG: Record<VantageKind, string> = {
  'in-cluster': 'pod',
  browser: 'browser',
  agent: 'agent',
};

export const HOP_KIND_TEXT: Record<HopKind, string> = {
  client: 'Client',
  loadBalancer: 'Load balancer',
  node: 'Node',
  ingressController: 'Ingress controller',
  service: 'Service',
  pod: 'Pod',
  egressProxy: 'Egress proxy',
  external: 'External host',
};

/**
 * The status of what a hop takes as the client, from its role and the way it arrived: the model's verdict rule.
 * A header or PROXY preamble is "header" only when the value is the real client; a forged value is "spoofable"
 * (docs/domain.md#s6.1 gotcha: trust-all real_ip takes the left-most, client-supplied XFF entry).
 */
export const statusOfBelief: (role: AddressRole, via: ClientAddressVia) => HopStatus = verdictOfBelief;

/**
 * A hop's predicted status. The first hop is where the request starts (the client, or the pod of an egress path).
 * Findings pinned to the hop carry the path's failure (broken / unreachable), since a
 * dropped or refused connection has no address to classify.
 */
export function predictedHopStatus(hop: Hop, path: NetPath): HopStatus {
  if (hop.id === path.hops[0]?.id) return 'neutral';
  const failing = path.verdict === 'broken' || path.verdict === 'unreachable';
  if (failing && path.findings.some((f) => f.hopId === hop.id && f.severity === 'error')) return path.verdict;
  if (hop.kind === 'node' && carriedInBand(hop.clientAddressVia)) return 'header';
  return statusOfBelief(hop.believedClientRole, hop.clientAddressVia);
}

/**
 * kube-proxy on a node works on packets and reads no headers: behind a proxying load balancer its TCP peer is the
 * LB, but the client address still travels past it in X-Forwarded-For or a PROXY preamble (docs/lab.md#row-15–#row-17, and
 * through SNAT in docs/lab.md#row-22–#row-23), so the node hop is "carried in a header", not "lost".
 */
const carriedInBand = (via: ClientAddressVia) => via !== 'source' && via !== 'none';

/** The worse of two statuses, for summarising a group of hops. */
export function worseStatus(a: HopStatus, b: HopStatus): HopStatus {
  if (a === 'neutral') return b;
  if (b === 'neutral') return a;
  return worseVerdict(a, b);
}
