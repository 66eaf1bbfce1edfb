'use client';

import type { TraceProgress } from '@/lib/graph/trace-state';
import { type BrowserRunState, isBrowserRunning } from '@/lib/graph/browser-run';
import { NetText } from '@/components/ui/NetText';

export interface ProbeBarProps {
  trace: TraceProgress;
  /** Paths a probe can check (egress leads out of the cluster, where probes never go). */
  pathCount: number;
  /** False for an egress path: nothing can be probed on it. */
  canRunPath: boolean;
  onRunPath: () => void;
  onRunAll: () => void;
  onCancel: () => void;
  browser: BrowserRunState;
  /** Why this browser may not probe (demo mode); null when it may. */
  browserRefusal: string | null;
  onBrowserRun: () => void;
  onBrowserCancel: () => void;
}

const button =
  'rounded-md px-3 py-1.5 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-not-allowed disabled:opacity-50';

export function ProbeBar({ trace, pathCount, canRunPath, onRunPath, onRunAll, onCancel, browser, browserRefusal, onBrowserRun, onBrowserCancel }: ProbeBarProps) {
  const running = trace.status === 'running';
  const percent = trace.total > 0 ? Math.round((trace.done / trace.total) * 100) : 0;
  return (
    <>
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
      <BrowserProbeBar browser={browser} refusal={browserRefusal} onRun={onBrowserRun} onCancel={onBrowserCancel} />
    </>
  );
}

const BROWSER_STATUS_TEXT: Record<BrowserRunState['status'], string> = {
  idle: '',
  planning: 'asking the dashboard for a plan…',
  probing: 'probing from this browser…',
  reporting: 'sending the reports…',
  done: 'done',
  failed: 'failed',
};

/** "Probe from this browser": the user's browser as an outside vantage (docs/vantages.md). */
function BrowserProbeBar({ browser, refusal, onRun, onCancel }: { browser: BrowserRunState; refusal: string | null; onRun: () => void; onCancel: () => void }) {
  const running = isBrowserRunning(browser);
  const percent = browser.total > 0 ? Math.round((browser.done / browser.total) * 100) : 0;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="browser-probe-bar">
      <button
        type="button"
        data-testid="browser-probe"
        onClick={onRun}
        disabled={running || refusal !== null}
        aria-describedby={refusal ? 'browser-probe-refusal' : undefined}
        title={refusal ?? 'Sends the planned probes of every path from this browser, outside the cluster'}
        className={`${button} border border-sky-600 bg-white text-sky-800 hover:bg-sky-50 dark:border-sky-400 dark:bg-slate-800 dark:text-sky-200 dark:hover:bg-slate-700`}
      >
        Probe from this browser
      </button>
      {refusal && (
        <span id="browser-probe-refusal" data-testid="browser-probe-refusal" className="text-xs text-slate-600 dark:text-slate-300">
          {refusal}
        </span>
      )}
      {running && browser.status !== 'reporting' && (
        <button
          type="button"
          onClick={onCancel}
          disabled={browser.cancelling}
          className={`${button} border border-red-300 bg-white text-red-700 hover:bg-red-50 dark:border-red-700 dark:bg-slate-800 dark:text-red-300`}
        >
          Stop browser probes
        </button>
      )}
      {browser.status !== 'idle' && (
        <div className="flex min-w-48 flex-1 items-center gap-2">
          <div
            role="progressbar"
            aria-label="Browser probes"
            aria-valuemin={0}
            aria-valuemax={browser.total}
            aria-valuenow={browser.done}
            className="h-2 flex-1 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
          >
            <div className={`h-full transition-all ${browser.status === 'failed' ? 'bg-red-500' : 'bg-sky-500'}`} style={{ width: `${percent}%` }} />
          </div>
          <span data-testid="browser-probe-progress" className="whitespace-nowrap font-mono text-xs">
            {browser.done} / {browser.total}
          </span>
          <span data-testid="browser-probe-status" data-status={browser.status} className="text-xs text-slate-600 dark:text-slate-300">
            {browser.status === 'failed' ? (
              <span className="text-red-700 dark:text-red-300">
                failed: <NetText value={browser.error ?? ''} />
              </span>
            ) : (
              BROWSER_STATUS_TEXT[browser.status]
            )}
            {browser.status === 'done' && browser.notSent > 0 && ` · ${browser.notSent} not sent from this browser`}
            {browser.status === 'done' && browser.refused.length > 0 && (
              <span className="text-red-700 dark:text-red-300">
                {' '}
                · the dashboard did not count {browser.refused.length} report{browser.refused.length === 1 ? '' : 's'}: <NetText value={browser.refused[0]!.reason} />
              </span>
            )}
          </span>
        </div>
      )}
    </div>
  );
}
