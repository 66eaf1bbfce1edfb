'use client';

import type { ClusterSource } from '@/lib/types';
import { NetText } from '@/components/ui/NetText';

/**
 * Where the data comes from; demo mode is labelled so that nobody mistakes simulated observations for real ones.
 * Context and server names come from the kubeconfig, the fallback reason can quote the cluster: all through NetText.
 */
export function SourceBar({ source }: { source: ClusterSource | null }) {
  if (!source) return null;
  if (source.mode !== 'demo') {
    return (
      <div className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300" data-testid="source">
        <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-semibold dark:bg-slate-800">{source.mode}</span>
        <NetText value={source.context} className="font-mono text-xs" />
        {source.server && <NetText value={source.server} className="hidden font-mono text-xs text-slate-500 md:inline" />}
      </div>
    );
  }
  return (
    <div data-testid="demo-banner" className="flex flex-wrap items-center gap-2 rounded-md bg-violet-100 px-2 py-1 text-sm text-violet-950 dark:bg-violet-950 dark:text-violet-100">
      <span className="font-bold">demo — simulated observations</span>
      {source.fallbackReason && (
        <span className="text-xs">
          (<NetText value={source.fallbackReason} />)
        </span>
      )}
    </div>
  );
}
