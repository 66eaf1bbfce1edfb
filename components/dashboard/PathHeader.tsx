'use client';

import type { NetPath, PathTrace } from '@/lib/types';
import { entrySubtitle, entryTitle } from '@/lib/graph/entries';
import { ROLE_TEXT, VIA_TEXT } from '@/lib/graph/verdicts';
import { NetText } from '@/components/ui/NetText';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { FindingCard } from '@/components/details/FindingCard';

export interface PathHeaderProps {
  path: NetPath;
  trace: PathTrace | null;
  /** Findings not tied to a hop drawn on the graph. */
  pathFindings: NetPath['findings'];
  activeWhatIf: string | null;
  onPreview: (whatIf: string | null) => void;
}

function appClientSentence(path: NetPath): string {
  const { appClient } = path;
  if (appClient.via === 'none' || appClient.value === null) return 'The app cannot learn the client address on this path.';
  const who = appClient.role === 'client' ? 'the real client address' : `${appClient.value} (${ROLE_TEXT[appClient.role]})`;
  return `The app learns ${who} from ${VIA_TEXT[appClient.via]}.`;
}

export function PathHeader({ path, trace, pathFindings, activeWhatIf, onPreview }: PathHeaderProps) {
  return (
    <div className="flex flex-col gap-2" data-testid="path-header">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold" data-testid="path-title">
          <NetText value={entryTitle(path)} />
        </h2>
        <StatusBadge status={path.verdict} prefix="predicted" />
        {trace?.observedVerdict && <StatusBadge status={trace.observedVerdict} prefix="observed" />}
        {trace?.notProbed && (
          <span data-testid="path-not-probed" className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-bold text-slate-700 dark:bg-slate-700 dark:text-slate-100">
            not probed
          </span>
        )}
        {trace && !trace.notProbed && (
          <span
            data-testid="path-match"
            data-matches={trace.matchesPrediction ? 'true' : 'false'}
            className={`rounded-full px-2 py-0.5 text-xs font-bold ${trace.matchesPrediction ? 'bg-emerald-600 text-white' : 'bg-red-600 text-white'}`}
          >
            {trace.matchesPrediction ? '✔ observation matches prediction' : '⚠ observation differs from prediction'}
          </span>
        )}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        <NetText value={entrySubtitle(path)} /> · <NetText value={appClientSentence(path)} />
      </p>
      {trace?.notProbed && (
        <p data-testid="not-probed-reason" className="rounded-lg border border-slate-300 bg-slate-50 px-3 py-2 text-sm text-slate-700 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-200">
          {trace.notProbed}
        </p>
      )}
      {trace && !trace.notProbed && !trace.matchesPrediction && trace.differences.length > 0 && (
        <ul role="alert" className="list-disc rounded-lg border-2 border-red-600 bg-red-50 py-2 pl-8 pr-3 text-sm font-medium text-red-900 dark:bg-red-950 dark:text-red-100">
          {trace.differences.map((d) => (
            <li key={d}>
              <NetText value={d} />
            </li>
          ))}
        </ul>
      )}
      {(path.inClusterNote || trace?.inClusterNote) && (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          <span className="font-semibold">In-cluster clients:</span> <NetText value={trace?.inClusterNote ?? path.inClusterNote ?? ''} />
        </p>
      )}
      {pathFindings.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium">{pathFindings.length} finding(s) about the whole path</summary>
          <div className="mt-2 flex flex-col gap-2">
            {pathFindings.map((f) => (
              <FindingCard key={f.code} finding={f} activeWhatIf={activeWhatIf} onPreview={onPreview} />
            ))}
          </div>
        </details>
      )}
    </div>
  );
}
