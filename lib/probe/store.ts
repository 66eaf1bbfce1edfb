import 'server-only';
import type { ClusterSource, TraceRun } from '@/lib/types';

// The last trace per cluster source, in memory: the UI and snapshots read it; a restart forgets it (traces are
// cheap to repeat and may be stale anyway).
const lastTraces = new Map<string, TraceRun>();

/** One key per cluster the server can read: demo scenario, kubeconfig context, or in-cluster. */
export function sourceKey(source: ClusterSource): string {
  return source.mode === 'demo' ? `demo/${source.scenario ?? source.context}` : `${source.mode}/${source.context}`;
}

export function rememberTrace(key: string, trace: TraceRun): void {
  lastTraces.set(key, trace);
}

export function getLastTrace(key: string): TraceRun | null {
  return lastTraces.get(key) ?? null;
}
