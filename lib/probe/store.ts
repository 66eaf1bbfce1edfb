import 'server-only';
import { VANTAGE_KINDS } from '@/lib/contract/enums';
import type { ClusterSource, TraceRun, VantageKind } from '@/lib/types';
import { processState } from '@/lib/process-state';

// The last trace per cluster source and vantage, in memory: the UI and snapshots read it; a restart forgets it
// (traces are cheap to repeat and may be stale anyway). One per vantage, so what the pod, the browser and an agent
// saw stay side by side instead of replacing each other.
const lastTraces = processState('last-traces', () => new Map<string, TraceRun>());

/** One key per cluster the server can read: demo scenario, kubeconfig context, or in-cluster. */
export function sourceKey(source: ClusterSource): string {
  return source.mode === 'demo' ? `demo/${source.scenario ?? source.context}` : `${source.mode}/${source.context}`;
}

/** Traces stored before vantages existed came from the dashboard's pod. */
const vantageOf = (trace: TraceRun): VantageKind => trace.vantage?.kind ?? 'in-cluster';
const keyOf = (key: string, vantage: VantageKind) => `${vantage}|${key}`;

export function rememberTrace(key: string, trace: TraceRun): void {
  lastTraces.set(keyOf(key, vantageOf(trace)), trace);
}

export function getLastTrace(key: string, vantage: VantageKind = 'in-cluster'): TraceRun | null {
  return lastTraces.get(keyOf(key, vantage)) ?? null;
}

/** The last trace of each vantage. */
export function lastTracesByVantage(key: string): Record<VantageKind, TraceRun | null> {
  return Object.fromEntries(VANTAGE_KINDS.map((v) => [v, getLastTrace(key, v)])) as Record<VantageKind, TraceRun | null>;
}
