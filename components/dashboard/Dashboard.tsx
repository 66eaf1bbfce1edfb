'use client';

import { useDeferredValue, useEffect, useMemo } from 'react';
import { buildHopGraph } from '@/lib/graph/elements';
import { sourceQuery } from '@/lib/graph/url-state';
import { isProbeable } from '@/lib/probe/probeable';
import { DetailsPanel } from '@/components/details/DetailsPanel';
import { preloadGraph } from '@/components/graph/preload';
import type { ScenarioOption } from '@/components/ui/SourcePicker';
import { DashboardShell } from './DashboardShell';
import { DashboardToolbar } from './DashboardToolbar';
import { EntryPicker } from './EntryPicker';
import { ErrorBanner } from './ErrorBanner';
import { MissingPathNotice } from './MissingPathNotice';
import { PathView } from './PathView';
import { PathsStatus } from './PathsStatus';
import { PreviewBanner } from './PreviewBanner';
import { ProbeBar } from './ProbeBar';
import { sourceChange, useDashboardUrl } from './use-dashboard-url';
import { useOpenHop } from './use-open-hop';
import { usePaths } from './use-paths';
import { useSelectedPath } from './use-selected-path';
import { useTrace } from './use-trace';
import { useWhatIf } from './use-what-if';

export function Dashboard({ scenarios }: { scenarios: ScenarioOption[] }) {
  const { url, updateUrl } = useDashboardUrl();
  const apiQuery = sourceQuery(url);
  const paths = usePaths(apiQuery);
  const { trace, run, cancel } = useTrace(apiQuery);
  const response = paths.status === 'ready' ? paths.data : null;
  const allPaths = response?.paths ?? [];
  const probeablePaths = useMemo(() => allPaths.filter(isProbeable), [allPaths]);
  // A long entry list renders after the graph: the graph is what the page is for.
  const pickerPaths = useDeferredValue(allPaths, []);
  const { filter, requested, selected } = useSelectedPath(allPaths, url);
  const { whatIf, setWhatIf, preview, previewPath } = useWhatIf(url, selected?.id ?? null);
  const shownPath = previewPath ?? selected;
  const pathTrace = selected && !previewPath ? (trace.paths[selected.id] ?? null) : null;
  const graph = useMemo(() => (shownPath ? buildHopGraph(shownPath, pathTrace) : null), [shownPath, pathTrace]);
  const { openNode, openHop, closeHop } = useOpenHop(graph, url.hop, updateUrl);
  useEffect(preloadGraph, []);

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <DashboardToolbar
        source={response?.source ?? null}
        scenarios={scenarios}
        context={url.context}
        scenario={url.scenario}
        entry={selected?.id ?? null}
        onPick={(pick) => updateUrl(sourceChange(pick), 'push')}
      />
      {response && <ErrorBanner key={apiQuery} errors={response.errors} />}
      <PathsStatus paths={paths} />
      {response && (
        <DashboardShell
          aside={
            <EntryPicker
              paths={pickerPaths}
              selectedId={selected?.id ?? null}
              filter={filter}
              traces={trace.paths}
              onFilterChange={(f) => updateUrl({ query: f.query, namespace: f.namespace, kind: f.kind, verdict: f.verdict })}
              onSelect={(id) => updateUrl({ path: id, hop: null }, 'push')}
            />
          }
          details={
            openNode &&
            shownPath && (
              <DetailsPanel
                node={openNode}
                path={shownPath}
                trace={pathTrace}
                probes={trace.probes[shownPath.id] ?? []}
                findings={selected?.findings.filter((f) => f.hopId === openNode.id) ?? []}
                simulated={trace.simulated}
                activeWhatIf={whatIf}
                onPreview={setWhatIf}
                onClose={closeHop}
              />
            )
          }
        >
          {url.path && !requested && <MissingPathNotice pathId={url.path} showingAnother={selected !== null} />}
          {!shownPath && <p className="text-sm text-slate-500">No way into this cluster was found.</p>}
          {shownPath && graph && (
            <PathView path={shownPath} trace={pathTrace} graph={graph} activeWhatIf={whatIf} onPreview={setWhatIf} preview={previewPath !== null} onOpenHop={openHop}>
              <ProbeBar
                trace={trace}
                pathCount={probeablePaths.length}
                canRunPath={isProbeable(shownPath)}
                onRunPath={() => run([shownPath.id])}
                onRunAll={() => run(probeablePaths.map((p) => p.id))}
                onCancel={cancel}
              />
              {whatIf && <PreviewBanner whatIf={whatIf} preview={preview} onClose={() => setWhatIf(null)} />}
            </PathView>
          )}
        </DashboardShell>
      )}
    </div>
  );
}
