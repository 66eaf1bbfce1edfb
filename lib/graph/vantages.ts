// Observations side by side per vantage (docs/vantages.md): what each vantage that took part saw on one path, compared
// with the prediction for that vantage only. The in-cluster view of an LB address (kube-proxy's short-circuit, the
// pod-traffic rule) is a second legitimate answer, never a mismatch; "differs" is only ever a difference from the
// vantage's own prediction. Pure: traces in, view data out.
import type { ClientAddressVia, AddressRole, NetPath, PathTrace, PredictionVantage, ProbeResult, TraceRun, Vantage, VantageKind, Verdict } from '@/lib/types';
import { VANTAGE_KINDS } from '@/lib/contract/enums';
import type { TraceProgress } from './trace-state';

/** Outside vantages first, as an outside client is who the path's main prediction is about. */
export const VANTAGE_ORDER: readonly VantageKind[] = [...VANTAGE_KINDS.filter((k) => k !== 'in-cluster'), 'in-cluster'];

/** What one vantage contributed: its last trace (stored, or just run here), or the in-cluster trace as it streams. */
export interface VantageRun {
  kind: VantageKind;
  vantage: Vantage | null;
  traceId: string | null;
  simulated: boolean;
  running: boolean;
  finishedAt: string | null;
  paths: Record<string, PathTrace>;
  /** Probes per path, also before the path's trace is complete (a streaming in-cluster trace). */
  probes: Record<string, ProbeResult[]>;
  /** Run from this page (this browser's own trace), not one a browser stored earlier. */
  mine: boolean;
}

/** Traces stored before vantages existed were all sent by the dashboard's pod. */
export const kindOfTrace = (trace: Pick<TraceRun, 'vantage'>): VantageKind => trace.vantage?.kind ?? 'in-cluster';

export function runOfTrace(trace: TraceRun, mine = false): VantageRun {
  const paths: Record<string, PathTrace> = {};
  const probes: Record<string, ProbeResult[]> = {};
  for (const p of trace.paths) {
    paths[p.pathId] = p;
    probes[p.pathId] = p.probes;
  }
  return {
    kind: kindOfTrace(trace),
    vantage: trace.vantage ?? null,
    traceId: trace.id,
    simulated: trace.simulated,
    running: trace.finishedAt === null,
    finishedAt: trace.finishedAt,
    paths,
    probes,
    mine,
  };
}

/** Path traces of one vantage without their TraceRun (a snapshot's path, a component given one trace). */
export function runOfPathTraces(traces: readonly PathTrace[], simulated = false): VantageRun {
  const kind = traces[0]?.vantage ?? 'in-cluster';
  return {
    kind,
    vantage: null,
    traceId: null,
    simulated,
    running: false,
    finishedAt: null,
    paths: Object.fromEntries(traces.map((t) => [t.pathId, t])),
    probes: Object.fromEntries(traces.map((t) => [t.pathId, t.probes])),
    mine: false,
  };
}

/** The in-cluster trace of this page (streamed), or the stored one when this page has not run one. */
export function inClusterRun(progress: TraceProgress, stored: TraceRun | null): VantageRun | null {
  if (progress.status === 'idle') return stored && kindOfTrace(stored) === 'in-cluster' ? runOfTrace(stored) : null;
  return {
    kind: 'in-cluster',
    vantage: progress.run?.vantage ?? null,
    traceId: progress.traceId,
    simulated: progress.simulated,
    running: progress.status === 'running',
    finishedAt: progress.run?.finishedAt ?? null,
    paths: progress.paths,
    probes: progress.probes,
    mine: true,
  };
}

function who(run: VantageRun): string {
  const label = run.vantage?.label ?? null;
  switch (run.kind) {
    case 'browser':
      // A stored browser trace may come from anyone's browser: only this page's own run is "yours".
      return run.mine ? 'your browser' : 'a browser';
    case 'agent':
      return label ?? (run.vantage?.name ? `agent ${run.vantage.name}` : 'an agent');
    case 'in-cluster':
      return label ?? (run.simulated ? 'the demo prober' : 'the hopscope pod');
  }
}

/** "from outside: your browser", "from outside: agent laptop-eu", "from inside: hopscope pod hopscope/hopscope-x on wk-a". */
export function vantageTitle(run: VantageRun): string {
  return `${run.kind === 'in-cluster' ? 'from inside' : 'from outside'}: ${who(run)}${run.simulated ? ' (simulated)' : ''}`;
}

export type VantageState = 'differs' | 'matches' | 'not-reachable' | 'not-probed' | 'probing';

/**
 * How a path trace stands. Not reachable from a vantage (no route, DNS, a browser's refusal) and not probed are
 * said as such and are never a verdict, whatever matchesPrediction says.
 */
export function stateOfTrace(trace: PathTrace): Exclude<VantageState, 'probing'> {
  if (trace.notReachable) return 'not-reachable';
  if (trace.notProbed) return 'not-probed';
  return trace.matchesPrediction ? 'matches' : 'differs';
}

const STATE_RANK: Record<VantageState, number> = { differs: 0, matches: 1, probing: 2, 'not-reachable': 3, 'not-probed': 4 };

export interface ObservedHopView {
  hopId: string;
  hopName: string;
  observedPeer: string | null;
  role: AddressRole;
  via: ClientAddressVia;
  matches: boolean;
}

export interface VantagePredictionView {
  vantage: PredictionVantage;
  verdict: Verdict;
  note: string | null;
}

export interface PathVantageView {
  kind: VantageKind;
  title: string;
  simulated: boolean;
  traceId: string | null;
  finishedAt: string | null;
  state: VantageState;
  /** The prediction this vantage's observation was compared with. */
  predicted: VantagePredictionView;
  observedVerdict: Verdict | null;
  hops: ObservedHopView[];
  /** Why it was not reachable from here, or not probed. */
  reason: string | null;
  differences: string[];
  /**
   * Why a pod of the cluster legitimately finds something else than an outside client (short-circuit, pod-traffic
   * rule, hairpin): its own answer, shown as such, never as a difference.
   */
  ownAnswer: string | null;
  probes: ProbeResult[];
  pathTrace: PathTrace | null;
}

/**
 * The prediction a vantage is compared with: the trace says which (PathTrace.predicted); traces from before vantages
 * were compared with the outside prediction, or for the pod with the path's in-cluster verdict.
 */
export function predictionFor(path: NetPath, kind: VantageKind, trace: PathTrace | null): VantagePredictionView {
  const predicted = trace?.predicted ?? (kind === 'in-cluster' ? (path.inCluster ?? null) : null);
  if (predicted) return { vantage: predicted.vantage, verdict: predicted.verdict, note: predicted.note };
  if (kind === 'in-cluster' && path.inClusterVerdict) return { vantage: 'in-cluster', verdict: path.inClusterVerdict, note: path.inClusterNote ?? null };
  return { vantage: 'outside', verdict: path.verdict, note: null };
}

function ownAnswerOf(path: NetPath, kind: VantageKind, predicted: VantagePredictionView): string | null {
  if (kind !== 'in-cluster' || predicted.vantage !== 'in-cluster') return null;
  if (predicted.note) return predicted.note;
  return predicted.verdict !== path.verdict ? `a pod of the cluster is predicted to find ${predicted.verdict} here, an outside client ${path.verdict}` : null;
}

function viewOf(path: NetPath, run: VantageRun): PathVantageView | null {
  const trace = run.paths[path.id] ?? null;
  const probes = trace?.probes ?? run.probes[path.id] ?? [];
  if (!trace && !(run.running && probes.length > 0)) return null;
  const names = new Map(path.hops.map((h) => [h.id, h.name]));
  const predicted = predictionFor(path, run.kind, trace);
  const state: VantageState = trace ? stateOfTrace(trace) : 'probing';
  return {
    kind: run.kind,
    title: vantageTitle(run),
    simulated: run.simulated,
    traceId: run.traceId,
    finishedAt: run.finishedAt,
    state,
    predicted,
    observedVerdict: state === 'matches' || state === 'differs' ? (trace?.observedVerdict ?? null) : null,
    hops:
      state === 'matches' || state === 'differs'
        ? (trace?.observed ?? []).map((o) => ({ hopId: o.hopId, hopName: names.get(o.hopId) ?? o.hopId, observedPeer: o.observedPeer, role: o.observedPeerRole, via: o.via, matches: o.matches }))
        : [],
    reason: trace?.notReachable ?? trace?.notProbed ?? null,
    differences: state === 'differs' ? (trace?.differences ?? []) : [],
    ownAnswer: ownAnswerOf(path, run.kind, predicted),
    probes,
    pathTrace: trace,
  };
}

/** Each vantage that took part in this path: differences from a vantage's own prediction first, then outside before inside. */
export function pathVantageViews(path: NetPath, runs: readonly VantageRun[]): PathVantageView[] {
  return runs
    .map((run) => viewOf(path, run))
    .filter((v): v is PathVantageView => v !== null)
    .sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || VANTAGE_ORDER.indexOf(a.kind) - VANTAGE_ORDER.indexOf(b.kind));
}

/**
 * The traces the graph draws, in the order of the views: each with its vantage, so a hop can show what every
 * vantage saw there. Only compared traces: "not reachable from here" has no address to draw.
 */
export function graphTraces(views: readonly PathVantageView[]): PathTrace[] {
  return views
    .filter((v) => v.pathTrace && (v.state === 'matches' || v.state === 'differs'))
    .map((v) => ({ ...v.pathTrace!, vantage: v.kind }));
}

/** One trace per path for the entry list: the one that matters most (a difference, then a comparison). */
export function pickerTraces(runs: readonly VantageRun[]): Record<string, PathTrace> {
  const picked: Record<string, PathTrace> = {};
  for (const run of runs) {
    for (const [pathId, trace] of Object.entries(run.paths)) {
      const had = picked[pathId];
      if (!had || STATE_RANK[stateOfTrace(trace)] < STATE_RANK[stateOfTrace(had)]) picked[pathId] = trace;
    }
  }
  return picked;
}

/** The vantages in order, each once: the newest run of a kind (a running one first); this page's own run of a trace stays its own. */
export function vantageRuns(runs: readonly (VantageRun | null)[]): VantageRun[] {
  const byKind = new Map<VantageKind, VantageRun>();
  for (const run of runs) {
    if (!run) continue;
    const had = byKind.get(run.kind);
    const newer = !had || run.running || !had.finishedAt || (run.finishedAt !== null && run.finishedAt >= had.finishedAt);
    if (had && had.traceId === run.traceId) byKind.set(run.kind, { ...run, mine: run.mine || had.mine });
    else if (newer) byKind.set(run.kind, run);
  }
  return VANTAGE_ORDER.map((k) => byKind.get(k)).filter((r): r is VantageRun => r !== undefined);
}
