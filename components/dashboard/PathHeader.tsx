'use client';

import type { NetPath, PathTrace } from '@/lib/types';
import { entrySubtitle, entryTitle } from '@/lib/graph/entries';
import { type PathVantageView, pathVantageViews, runOfPathTraces } from '@/lib/graph/vantages';
import { ROLE_TEXT, VIA_TEXT } from '@/lib/graph/verdicts';
import { NetText } from '@/components/ui/NetText';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { FindingCard } from '@/components/details/FindingCard';
import { VantageObservations } from './VantageObservations';

export interface PathHeaderProps {
  path: NetPath;
  /** What each vantage observed on this path (lib/graph/vantages.ts); none while a fix is previewed. */
  views?: readonly PathVantageView[];
  /** One trace of one vantage, where no views are given (its vantage is the trace's, in-cluster for older ones). */
  trace?: PathTrace | null;
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

export function PathHeader({ path, views: given, trace = null, pathFindings, activeWhatIf, onPreview }: PathHeaderProps) {
  const views = given ?? (trace ? pathVantageViews(path, [runOfPathTraces([trace])]) : []);
  const differing = views.filter((v) => v.state === 'differs');
  return (
    <div className="flex flex-col gap-2" data-testid="path-header">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-lg font-semibold" data-testid="path-title">
          <NetText value={entryTitle(path)} />
        </h2>
        <StatusBadge status={path.verdict} prefix="predicted" />
        {differing.length > 0 && (
          <span data-testid="path-differs" className="rounded-full bg-red-600 px-2 py-0.5 text-xs font-bold text-white">
            ⚠ observed differs from the prediction{' '}
            {differing.length === 1 ? (
              <>
                (<NetText value={differing[0]!.title} />)
              </>
            ) : (
              `for ${differing.length} vantages`
            )}
          </span>
        )}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        <NetText value={entrySubtitle(path)} /> · <NetText value={appClientSentence(path)} />
      </p>
      <VantageObservations views={views} />
      {views.length === 0 && path.inClusterNote && (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          <span className="font-semibold">In-cluster clients:</span> <NetText value={path.inClusterNote} />
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
