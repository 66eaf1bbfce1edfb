'use client';

import { useDeferredValue, useEffect, useMemo } from 'react';
import { buildHopGraph } from '@/lib/graph/elements';
import { sourceQuery } from '@/lib/graph/url-state';
import { graphTraces, inClusterRun, pathVantageViews, pickerTraces, runOfTrace, vantageRuns } from '@/lib/graph/vantages';
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
import { useBrowserProbe } from './use-browser-probe';
import { useStoredTraces } from './use-stored-traces';
import { useTrace } from './use-trace';
import { useWhatIf } from './use-what-if';
import { VantageSummary } from './VantageSummary';

/** Demo traces are simulated: no packet leaves this browser either (DESIGN "Safety rules for probes"). */
const DEMO_BROWSER_REFUSAL = 'Demo mode: demo traces are simulated, so this browser sends no probe.';

export function Dashboard({ scenarios }: { scenarios: ScenarioOption[] }) {
  const { url, updateUrl } = useDashboardUrl();
  const apiQuery = sourceQuery(url);
  const paths = usePaths(apiQuery);
  const { trace, run, cancel } = useTrace(apiQuery);
  const { stored, reload } = useStoredTraces(apiQuery);
  const { browser, frameRef, run: runBrowser, cancel: cancelBrowser } = useBrowserProbe(apiQuery);
  const response = paths.status === 'ready' ? paths.data : null;
  const allPaths = response?.paths ?? [];
  const probeablePaths = useMemo(() => allPaths.filter(isProbeable), [allPaths]);
  // A long entry list renders after the graph: the graph is what the page is for.
  const pickerPaths = useDeferredValue(allPaths, []);
  const { filter, requested, selected } = useSelectedPath(allPaths, url);
  const { whatIf, setWhatIf, preview, previewPath } = useWhatIf(url, selected?.id ?? null);
  const shownPath = previewPath ?? selected;
  // A later run of a vantage replaces its stored one: this browser's own run, the pod's streamed trace.
  const runs = useMemo(
    () =>
      vantageRuns([
        stored.browser ? runOfTrace(stored.browser) : null,
        browser.run ? runOfTrace(browser.run, true) : null,
        stored.agent ? runOfTrace(stored.agent) : null,
        inClusterRun(trace, stored['in-cluster'] ?? null),
      ]),
    [stored, browser.run, trace],
  );
  const views = useMemo(() => (selected && !previewPath ? pathVantageViews(selected, runs) : []), [selected, previewPath, runs]);
  const pickerTraceMap = useMemo(() => pickerTraces(runs), [runs]);
  const graph = useMemo(() => (shownPath ? buildHopGraph(shownPath, graphTraces(views)) : null), [shownPath, views]);
  const browserRefusal = response?.source.mode === 'demo' ? DEMO_BROWSER_REFUSAL : null;
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
              traces={pickerTraceMap}
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
                views={views}
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
            <PathView path={shownPath} views={views} graph={graph} activeWhatIf={whatIf} onPreview={setWhatIf} preview={previewPath !== null} onOpenHop={openHop}>
              <ProbeBar
                trace={trace}
                pathCount={probeablePaths.length}
                canRunPath={isProbeable(shownPath)}
                onRunPath={() => run([shownPath.id])}
                onRunAll={() => run(probeablePaths.map((p) => p.id))}
                onCancel={cancel}
                browser={browser}
                browserRefusal={browserRefusal}
                onBrowserRun={() => runBrowser(probeablePaths.map((p) => p.id))}
                onBrowserCancel={cancelBrowser}
              />
              <VantageSummary runs={runs} onReload={reload} />
              {whatIf && <PreviewBanner whatIf={whatIf} preview={preview} onClose={() => setWhatIf(null)} />}
            </PathView>
          )}
        </DashboardShell>
      )}
      {browser.frame && (
        // The probe page: its own CSP lets it reach its plan's targets, which the dashboard's does not (app/probe/[id]).
        <iframe key={browser.frame} ref={frameRef} src={browser.frame} title="probes sent from this browser" data-testid="browser-probe-frame" aria-hidden="true" tabIndex={-1} className="hidden" />
      )}
    </div>
  );
}
