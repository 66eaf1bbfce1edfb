'use client';

import type { TraceProgress } from '@/lib/graph/trace-state';

export interface ProbeBarProps {
  trace: TraceProgress;
  /** Paths a probe can check (egress leads out of the cluster, where probes never go). */
  pathCount: number;
  /** False for an egress path: nothing can be probed on it. */
  canRunPath: boolean;
  onRunPath: () => void;
  onRunAll: () => void;
  onCancel: () => void;
}

const button =
  'rounded-md px-3 py-1.5 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-not-allowed disabled:opacity-50';

export function ProbeBar({ trace, pathCount, canRunPath, onRunPath, onRunAll, onCancel }: ProbeBarProps) {
  const running = trace.status === 'running';
  const percent = trace.total > 0 ? Math.round((trace.done / trace.total) * 100) : 0;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="probe-bar">
      <button
        type="button"
        onClick={onRunPath}
        disabled={running || !canRunPath}
        title={canRunPath ? undefined : 'Egress leads out of the cluster; probes never leave it.'}
        className={`${button} bg-sky-600 text-white hover:bg-sky-700`}
      >
        ▶ Run probes
      </button>
      <button type="button" onClick={onRunAll} disabled={running} className={`${button} border border-slate-300 bg-white hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700`}>
        Probe all {pathCount} paths
      </button>
      {running && (
        <button type="button" onClick={onCancel} className={`${button} border border-red-300 bg-white text-red-700 hover:bg-red-50 dark:border-red-700 dark:bg-slate-800 dark:text-red-300`}>
          Cancel
        </button>
      )}
      {trace.status !== 'idle' && (
        <div className="flex min-w-48 flex-1 items-center gap-2">
          <div
            role="progressbar"
            aria-label="Probes"
            aria-valuemin={0}
            aria-valuemax={trace.total}
            aria-valuenow={trace.done}
            className="h-2 flex-1 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
          >
            <div className={`h-full transition-all ${trace.status === 'failed' ? 'bg-red-500' : 'bg-sky-500'}`} style={{ width: `${percent}%` }} />
          </div>
          <span data-testid="probe-progress" className="whitespace-nowrap font-mono text-xs">
            {trace.done} / {trace.total}
          </span>
          <span data-testid="probe-status" data-status={trace.status} className="whitespace-nowrap text-xs text-slate-600 dark:text-slate-300">
            {trace.status === 'running' && 'probing…'}
            {trace.status === 'done' && (trace.simulated ? 'done · simulated (no packet sent)' : 'done')}
            {trace.status === 'cancelled' && 'cancelled'}
            {trace.status === 'failed' && <span className="text-red-700 dark:text-red-300">failed: {trace.error}</span>}
          </span>
        </div>
      )}
    </div>
  );
}
