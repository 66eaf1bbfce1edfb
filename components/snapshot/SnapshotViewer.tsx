'use client';

import { useCallback, useMemo, useState } from 'react';
import type { NetPath, TraceRun } from '@/lib/types';
import { buildHopGraph } from '@/lib/graph/elements';
import { EMPTY_FILTER, type EntryFilter } from '@/lib/model/filter';
import { EntryPicker } from '@/components/dashboard/EntryPicker';
import { PathHeader } from '@/components/dashboard/PathHeader';
import { DetailsPanel } from '@/components/details/DetailsPanel';
import { LazyHopGraph } from '@/components/graph/LazyHopGraph';

export interface SnapshotViewerProps {
  paths: NetPath[];
  trace: TraceRun | null;
  /** The path to show first (the one selected when the link was shared, or ?path=). */
  initialPathId: string | null;
}

/** A what-if preview needs the live model; in a frozen snapshot the findings keep their fix but not the preview switch. */
function withoutWhatIf(paths: NetPath[]): NetPath[] {
  return paths.map((path) => ({ ...path, findings: path.findings.map((f) => ({ ...f, whatIf: null })) }));
}

const noPreview = () => undefined;

/** The dashboard's picker, graph and details panel over frozen data: nothing here talks to the cluster. */
export function SnapshotViewer({ paths: frozenPaths, trace, initialPathId }: SnapshotViewerProps) {
  const paths = useMemo(() => withoutWhatIf(frozenPaths), [frozenPaths]);
  const traces = useMemo(() => Object.fromEntries((trace?.paths ?? []).map((t) => [t.pathId, t])), [trace]);
  const [selectedId, setSelectedId] = useState(() =>
    paths.some((p) => p.id === initialPathId) ? initialPathId : (paths[0]?.id ?? null),
  );
  const [filter, setFilter] = useState<EntryFilter>(EMPTY_FILTER);
  const [openNodeId, setOpenNodeId] = useState<string | null>(null);

  const path = paths.find((p) => p.id === selectedId) ?? null;
  const pathTrace = path ? (traces[path.id] ?? null) : null;
  const graph = useMemo(() => (path ? buildHopGraph(path, pathTrace) : null), [path, pathTrace]);
  const openNode = graph?.nodes.find((n) => n.id === openNodeId) ?? null;
  const drawnHopIds = useMemo(() => new Set(path?.hops.map((h) => h.id) ?? []), [path]);
  const pathFindings = path?.findings.filter((f) => !f.hopId || !drawnHopIds.has(f.hopId)) ?? [];

  const select = useCallback((pathId: string) => {
    setSelectedId(pathId);
    setOpenNodeId(null);
    // The URL names the shown path, so a copied address bar opens the same view.
    const url = new URL(window.location.href);
    url.searchParams.set('path', pathId);
    window.history.replaceState(null, '', url);
  }, []);
  const closeDetails = useCallback(() => setOpenNodeId(null), []);

  return (
    <div className="grid min-h-0 flex-1 grid-cols-1 gap-4 lg:grid-cols-[18rem_1fr]">
      <div className="min-h-0 lg:h-[calc(100vh-12rem)]">
        <EntryPicker paths={paths} selectedId={selectedId} filter={filter} traces={traces} onFilterChange={setFilter} onSelect={select} />
      </div>
      {path && graph ? (
        <div className="flex min-h-0 flex-col gap-3">
          <PathHeader path={path} trace={pathTrace} pathFindings={pathFindings} activeWhatIf={null} onPreview={noPreview} />
          <div className="flex min-h-[28rem] flex-1 overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <div className="min-w-0 flex-1">
              <LazyHopGraph graph={graph} name={`hopscope-${path.id}`} onOpenHop={setOpenNodeId} preview={false} />
            </div>
            {openNode && (
              <div className="w-96 shrink-0">
                <DetailsPanel
                  node={openNode}
                  path={path}
                  trace={pathTrace}
                  probes={pathTrace?.probes ?? []}
                  simulated={trace?.simulated ?? false}
                  activeWhatIf={null}
                  onPreview={noPreview}
                  onClose={closeDetails}
                />
              </div>
            )}
          </div>
        </div>
      ) : (
        <p className="text-sm text-slate-500">This snapshot holds no way into the cluster.</p>
      )}
    </div>
  );
}
