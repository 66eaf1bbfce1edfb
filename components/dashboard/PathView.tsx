'use client';

import type { ReactNode } from 'react';
import type { NetPath } from '@/lib/types';
import type { HopGraph } from '@/lib/graph/elements';
import type { PathVantageView } from '@/lib/graph/vantages';
import { LazyHopGraph } from '@/components/graph/LazyHopGraph';
import { Legend } from '@/components/graph/Legend';
import { PathHeader } from './PathHeader';

export interface PathViewProps {
  path: NetPath;
  /** What each vantage observed on it; none while a fix is previewed. */
  views: readonly PathVantageView[];
  graph: HopGraph;
  activeWhatIf: string | null;
  onPreview: (whatIf: string | null) => void;
  /** Whether the graph shows a previewed fix rather than the cluster. */
  preview: boolean;
  onOpenHop: (hopId: string) => void;
  /** Between the header and the graph: probe controls, the preview banner. */
  children?: ReactNode;
}

/** One way in: what it is and its findings, then its hops as a graph. */
export function PathView({ path, views, graph, activeWhatIf, onPreview, preview, onOpenHop, children }: PathViewProps) {
  const hopIdsOnGraph = new Set(path.hops.map((h) => h.id));
  const pathFindings = path.findings.filter((f) => !f.hopId || !hopIdsOnGraph.has(f.hopId));
  return (
    <>
      <PathHeader path={path} views={views} pathFindings={pathFindings} activeWhatIf={activeWhatIf} onPreview={onPreview} />
      {children}
      <div className="relative shrink-0 overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950">
        <LazyHopGraph graph={graph} name={`hopscope-${path.id.replace(/[^a-z0-9.-]+/gi, '_')}`} preview={preview} onOpenHop={onOpenHop} />
      </div>
      <Legend />
    </>
  );
}
