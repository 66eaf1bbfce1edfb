// Turns one NetPath (and, once probed, its PathTrace) into graph nodes and edges: one node per hop, consecutive
// hops of the same kind side by side (e.g. every node a NodePort answers on), edges between neighbouring groups.
// Pure data in, pure data out — the React Flow components only render what this returns.
import type { AddressRole, ClientAddressVia, Finding, Hop, HopKind, NetPath, ObservedHop, PathTrace, VantageKind } from '@/lib/types';
import { type HopStatus, predictedHopStatus, statusOfBelief, worseStatus } from './verdicts';

export const NODE_WIDTH = 248;
/** Room for two lines of observations: the addresses several vantages saw at the hop. */
export const NODE_HEIGHT = 150;
/** Above this many hops side by side, the rest are folded into one summary node (a 500-node NodePort stays readable). */
export const MAX_SIDE_BY_SIDE = 6;

export type LoadBalancerFlavour = 'cloud-proxy' | 'cloud-pass-through' | 'metallb' | 'servicelb' | 'unknown';

export interface LoadBalancerLook {
  flavour: LoadBalancerFlavour;
  caption: string;
  /** MetalLB L2 / ServiceLB: the node that answers for the VIP. */
  announcingNode: string | null;
}

/** What one vantage observed at a hop, compared with that vantage's own prediction. */
export interface HopObservation {
  vantage: VantageKind;
  observed: ObservedHop;
}

export type HopNodeData = {
  hop: Hop;
  stage: number;
  predicted: HopStatus;
  /** The first vantage's observation (the traces come ordered, differences first). */
  observed: ObservedHop | null;
  observedStatus: HopStatus | null;
  /** Every vantage that observed this hop, in the order of the traces. */
  observations: HopObservation[];
  /** Some vantage observed other than its own prediction: the most important thing on screen. */
  mismatch: boolean;
  loadBalancer: LoadBalancerLook | null;
  findings: Finding[];
};

export type SummaryNodeData = {
  kind: HopKind;
  stage: number;
  hops: Hop[];
  status: HopStatus;
  mismatch: boolean;
};

export type HopEdgeData = {
  /** The TCP peer the target hop sees ("client" = the original client's address). */
  peer: string | null;
  peerRole: AddressRole;
  via: ClientAddressVia;
  status: HopStatus;
  observedPeer: string | null;
  observedRole: AddressRole | null;
  mismatch: boolean;
  /** Only one of several edges into the same hop carries the label. */
  labelled: boolean;
};

export interface GraphHopNode {
  id: string;
  type: 'hop';
  data: HopNodeData;
}

export interface GraphSummaryNode {
  id: string;
  type: 'summary';
  data: SummaryNodeData;
}

export type GraphNode = GraphHopNode | GraphSummaryNode;

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  type: 'hop';
  data: HopEdgeData;
}

export interface HopGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Groups consecutive items of the same hop kind: alternatives side by side rather than a chain. */
export function groupStages<T extends { kind: HopKind }>(items: T[]): T[][] {
  const stages: T[][] = [];
  for (const item of items) {
    const last = stages.at(-1);
    if (last && last[0]?.kind === item.kind) last.push(item);
    else stages.push([item]);
  }
  return stages;
}

/**
 * How to draw a load balancer hop. A cloud LB is a proxy when the next hop sees the LB as its TCP peer
 * (docs/domain.md#s7: Hetzner/Octavia proxy; NLB/Azure/GCE pass-through keep the client), otherwise pass-through.
 * MetalLB, k3s ServiceLB and Cilium LB IPAM never proxy: the announcing node receives the client's packets (docs/domain.md#s4, #s5, #s2.10.3).
 */
export function loadBalancerLook(hop: Hop, next: Hop | undefined): LoadBalancerLook {
  const provider = (hop.details.provider ?? '').toLowerCase();
  const text = `${provider} ${hop.name} ${hop.objects.map((o) => `${o.kind} ${o.name}`).join(' ')}`.toLowerCase();
  const announcingNode = hop.details['announced by'] ?? null;
  if (provider === 'metallb' || text.includes('metallb') || text.includes('ipaddresspool')) {
    const mode = hop.details.mode ? ` ${hop.details.mode}` : '';
    return { flavour: 'metallb', caption: `MetalLB${mode}`, announcingNode };
  }
  if (provider.startsWith('cilium')) return { flavour: 'unknown', caption: 'Cilium LB IPAM', announcingNode };
  if (provider === 'servicelb' || text.includes('svclb') || text.includes('servicelb')) {
    return { flavour: 'servicelb', caption: 'k3s ServiceLB (svclb)', announcingNode };
  }
  if (provider === 'cloud' || provider === '' || text.includes('cloud')) {
    const cloud = hop.details.cloud ?? hop.details.name ?? 'cloud';
    const proxies = next?.expectedPeerRole === 'loadBalancer';
    return {
      flavour: proxies ? 'cloud-proxy' : 'cloud-pass-through',
      caption: `${cloud} LB · ${proxies ? 'proxy' : 'pass-through'}`,
      announcingNode: null,
    };
  }
  return { flavour: 'unknown', caption: provider || 'load balancer', announcingNode };
}

/**
 * What the probe showed at a hop. The echo reports its TCP peer, which behind a proxy is the proxy, not the client the
 * app takes; so a confirmed prediction keeps the predicted status, and a refuted one shows the observed verdict.
 */
function observedStatusOf(observed: ObservedHop | null, predicted: HopStatus, trace: PathTrace | null): HopStatus | null {
  if (!observed) return null;
  if (observed.matches) return predicted;
  return trace?.observedVerdict ?? statusOfBelief(observed.observedPeerRole, observed.via);
}

/** Keeps the hops that matter most visible when a group is folded: mismatches first, then path order. */
function pickVisible(stage: GraphHopNode[]): { visible: GraphHopNode[]; folded: GraphHopNode[] } {
  if (stage.length <= MAX_SIDE_BY_SIDE) return { visible: stage, folded: [] };
  const rank = (n: GraphHopNode) => (n.data.mismatch ? 0 : 1);
  const chosen = new Set(
    [...stage]
      .map((node, index) => ({ node, index }))
      .sort((a, b) => rank(a.node) - rank(b.node) || a.index - b.index)
      .slice(0, MAX_SIDE_BY_SIDE - 1)
      .map(({ node }) => node),
  );
  return { visible: stage.filter((n) => chosen.has(n)), folded: stage.filter((n) => !chosen.has(n)) };
}

/** Node ids are hop ids (stable across calls); a repeated id within one path gets a numeric suffix. */
function withNodeIds(hops: Hop[]): { kind: HopKind; hop: Hop; id: string }[] {
  const seen = new Map<string, number>();
  return hops.map((hop) => {
    const count = seen.get(hop.id) ?? 0;
    seen.set(hop.id, count + 1);
    return { kind: hop.kind, hop, id: count === 0 ? hop.id : `${hop.id}#${count}` };
  });
}

/**
 * One trace, or the traces of several vantages (lib/graph/vantages.ts graphTraces: differences first). Each hop
 * shows every vantage's observation; the first one is its headline, and any vantage's difference from its own
 * prediction marks the hop.
 */
export function buildHopGraph(path: NetPath, traces: PathTrace | readonly PathTrace[] | null = null): HopGraph {
  const list: readonly PathTrace[] = traces === null ? [] : 'pathId' in traces ? [traces] : traces;
  const trace = list[0] ?? null;
  const observationsById = new Map<string, HopObservation[]>();
  for (const t of list) {
    for (const observed of t.observed) {
      const at = observationsById.get(observed.hopId) ?? [];
      at.push({ vantage: t.vantage ?? 'in-cluster', observed });
      observationsById.set(observed.hopId, at);
    }
  }
  const observedById = new Map([...observationsById].map(([id, all]) => [id, all[0]!.observed]));
  const mismatchAt = (hopId: string) => (observationsById.get(hopId) ?? []).some((o) => !o.observed.matches);
  const stages = groupStages(withNodeIds(path.hops));
  const lastHopId = path.hops.at(-1)?.id;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let previous: { id: string; hop: Hop }[] = [];

  stages.forEach((stage, stageIndex) => {
    const nextStageFirst = stages[stageIndex + 1]?.[0]?.hop;
    const hopNodes = stage.map(({ hop, id }): GraphHopNode => {
      const observed = observedById.get(hop.id) ?? null;
      // The last hop as the headline vantage's request meets it: a pod's request may end otherwise than an outside one.
      const predicted = hop.id === lastHopId && trace?.predicted ? trace.predicted.verdict : predictedHopStatus(hop, path);
      return {
        id,
        type: 'hop',
        data: {
          hop,
          stage: stageIndex,
          predicted,
          observed,
          observedStatus: observedStatusOf(observed, predicted, trace),
          observations: observationsById.get(hop.id) ?? [],
          mismatch: mismatchAt(hop.id),
          loadBalancer: hop.kind === 'loadBalancer' ? loadBalancerLook(hop, nextStageFirst) : null,
          findings: path.findings.filter((f) => f.hopId === hop.id),
        },
      };
    });
    const { visible, folded } = pickVisible(hopNodes);
    nodes.push(...visible);
    const current = visible.map((n) => ({ id: n.id, hop: n.data.hop }));
    const firstFolded = folded[0];
    if (firstFolded) {
      const summaryId = `summary:${stageIndex}:${firstFolded.data.hop.kind}`;
      nodes.push({
        id: summaryId,
        type: 'summary',
        data: {
          kind: firstFolded.data.hop.kind,
          stage: stageIndex,
          hops: folded.map((n) => n.data.hop),
          status: folded.reduce<HopStatus>((worst, n) => worseStatus(worst, n.data.predicted), 'neutral'),
          mismatch: folded.some((n) => n.data.mismatch),
        },
      });
      current.push({ id: summaryId, hop: firstFolded.data.hop });
    }

    for (const target of current) {
      const observed = observedById.get(target.hop.id) ?? null;
      previous.forEach((source, index) => {
        edges.push({
          id: `${source.id}->${target.id}`,
          source: source.id,
          target: target.id,
          type: 'hop',
          data: {
            peer: target.hop.expectedPeer,
            peerRole: target.hop.expectedPeerRole,
            via: target.hop.clientAddressVia,
            status: predictedHopStatus(target.hop, path),
            observedPeer: observed?.observedPeer ?? null,
            observedRole: observed?.observedPeerRole ?? null,
            mismatch: mismatchAt(target.hop.id),
            labelled: index === Math.floor((previous.length - 1) / 2),
          },
        });
      });
    }
    previous = current;
  });

  return { nodes, edges };
}
