import { type VantageRun, vantageTitle } from '@/lib/graph/vantages';
import { NetText } from '@/components/ui/NetText';

function when(run: VantageRun): string {
  if (run.running) return 'running';
  if (!run.finishedAt) return '';
  const at = new Date(run.finishedAt);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString();
}

/** Which vantages the observations on screen come from: each one's last trace, and a way to read newer ones. */
export function VantageSummary({ runs, onReload }: { runs: readonly VantageRun[]; onReload: () => void }) {
  return (
    <div data-testid="vantage-summary" className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-300">
      <span className="font-semibold">Observations:</span>
      {runs.length === 0 && <span>none yet: no vantage has probed this cluster.</span>}
      {runs.map((run) => (
        <span key={run.kind} data-testid="vantage-run" data-vantage={run.kind} className="inline-flex items-center gap-1">
          <NetText value={vantageTitle(run)} />
          {when(run) && <span className="text-slate-500 dark:text-slate-400">· {when(run)}</span>}
        </span>
      ))}
      <button
        type="button"
        onClick={onReload}
        title="Read the last stored trace of every vantage (an agent's, another browser's); sends no probe"
        className="rounded px-1.5 py-0.5 font-medium text-sky-700 hover:bg-sky-50 hover:underline dark:text-sky-300 dark:hover:bg-slate-800"
      >
        ↻ load latest
      </button>
    </div>
  );
}
