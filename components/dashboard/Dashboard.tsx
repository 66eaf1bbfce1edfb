'use client';

import dynamic from 'next/dynamic';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { PathsResponse } from '@/lib/types';
import { buildHopGraph } from '@/lib/graph/elements';
import { isProbeable } from '@/lib/probe/probeable';
import { firstEntry } from '@/lib/graph/entries';
import { type EntryFilter, filterPaths } from '@/lib/model/filter';
import { type DashboardUrlState, readUrlState, sourceQuery, writeUrlState } from '@/lib/graph/url-state';
import { DetailsPanel } from '@/components/details/DetailsPanel';
import { ShareButton } from '@/components/snapshot/ShareButton';
import { Legend } from '@/components/graph/Legend';
import { preloadGraph } from '@/components/graph/preload';
import { ContextSwitcher } from './ContextSwitcher';
import { EntryPicker } from './EntryPicker';
import { ErrorBanner } from './ErrorBanner';
import { fetchJson } from './fetch-json';
import { PathHeader } from './PathHeader';
import { ProbeBar } from './ProbeBar';
import { type ScenarioOption, SourceBar } from './SourceBar';
import { useTrace } from './use-trace';

const HopGraph = dynamic(() => import('@/components/graph/HopGraph'), {
  ssr: false,
  loading: () => <p className="p-4 text-sm text-slate-500">Drawing the graph…</p>,
});

type Loaded<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

/** GET /api/v1/paths with the given query; null = nothing to load. */
function usePaths(query: string | null): Loaded<PathsResponse> {
  const [state, setState] = useState<Loaded<PathsResponse>>({ status: 'loading' });
  useEffect(() => {
    if (query === null) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    fetchJson<PathsResponse>(`/api/v1/paths${query}`, { signal: controller.signal })
      .then((data) => setState({ status: 'ready', data }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'failed', message: err instanceof Error ? err.message : String(err) });
      });
    return () => controller.abort();
  }, [query]);
  return state;
}

export function Dashboard({ scenarios }: { scenarios: ScenarioOption[] }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const url = useMemo(() => readUrlState(searchParams), [searchParams]);
  const apiQuery = sourceQuery(url);
  const paths = usePaths(apiQuery);
  const [whatIf, setWhatIf] = useState<string | null>(null);
  const preview = usePaths(whatIf ? sourceQuery(url, { whatIf }) : null);
  const { trace, run, cancel } = useTrace(apiQuery);

  const updateUrl = useCallback(
    (change: Partial<DashboardUrlState>, mode: 'push' | 'replace' = 'replace') => {
      const next = writeUrlState({ ...readUrlState(new URLSearchParams(window.location.search)), ...change });
      window.history[mode === 'push' ? 'pushState' : 'replaceState'](null, '', `${pathname}${next}`);
    },
    [pathname],
  );

  const filter: EntryFilter = { query: url.query, namespace: url.namespace, kind: url.kind, verdict: url.verdict };
  const response = paths.status === 'ready' ? paths.data : null;
  const allPaths = response?.paths ?? [];
  const probeablePaths = useMemo(() => allPaths.filter(isProbeable), [allPaths]);
  // A long entry list renders after the graph: the graph is what the page is for.
  const pickerPaths = useDeferredValue(allPaths, []);
  const requested = url.path ? allPaths.find((p) => p.id === url.path) : undefined;
  const selected = requested ?? firstEntry(filterPaths(allPaths, filter)) ?? firstEntry(allPaths);
  const previewPath = whatIf && preview.status === 'ready' ? preview.data.paths.find((p) => p.id === selected?.id) ?? null : null;
  const shownPath = previewPath ?? selected;
  const pathTrace = selected && !previewPath ? (trace.paths[selected.id] ?? null) : null;

  const graph = useMemo(() => (shownPath ? buildHopGraph(shownPath, pathTrace) : null), [shownPath, pathTrace]);
  const openNode = graph && url.hop ? graph.nodes.find((n) => n.id === url.hop) ?? null : null;
  const hopIdsOnGraph = new Set(shownPath?.hops.map((h) => h.id));
  const pathFindings = shownPath?.findings.filter((f) => !f.hopId || !hopIdsOnGraph.has(f.hopId)) ?? [];

  useEffect(() => setWhatIf(null), [selected?.id]);
  useEffect(preloadGraph, []);

  const closeDetails = useCallback(() => {
    const hopId = url.hop;
    updateUrl({ hop: null });
    if (hopId) document.querySelector<HTMLElement>(`[data-hop-id="${CSS.escape(hopId)}"]`)?.focus();
  }, [updateUrl, url.hop]);

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <div className="flex flex-wrap items-center gap-3">
          <SourceBar source={response?.source ?? null} scenarios={scenarios} selectedScenario={url.scenario} onScenarioChange={(id) => updateUrl({ scenario: id, path: null, hop: null }, 'push')} />
          <ContextSwitcher selected={url.context} onChange={(context) => updateUrl({ context, scenario: null, path: null, hop: null }, 'push')} />
        </div>
        {response && <ShareButton context={url.context} scenario={url.scenario} entry={selected?.id ?? null} />}
      </div>
      {response && <ErrorBanner key={apiQuery} errors={response.errors} />}

      {paths.status === 'failed' && (
        <div role="alert" className="m-4 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">Could not load the paths.</p>
          <p>{paths.message}</p>
        </div>
      )}
      {paths.status === 'loading' && <p className="p-4 text-sm text-slate-500">Reading the cluster…</p>}

      {response && (
        <div className={`grid min-h-0 flex-1 grid-cols-1 md:grid-cols-[320px_minmax(0,1fr)] ${openNode ? 'xl:grid-cols-[320px_minmax(0,1fr)_420px]' : ''}`}>
          <aside className="min-h-0 border-r border-slate-200 p-3 md:h-full dark:border-slate-800">
            <EntryPicker
              paths={pickerPaths}
              selectedId={selected?.id ?? null}
              filter={filter}
              traces={trace.paths}
              onFilterChange={(f) => updateUrl({ query: f.query, namespace: f.namespace, kind: f.kind, verdict: f.verdict })}
              onSelect={(id) => updateUrl({ path: id, hop: null }, 'push')}
            />
          </aside>
          <main className="flex min-h-0 min-w-0 flex-col gap-3 overflow-y-auto p-3">
            {url.path && !requested && (
              <p role="status" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
                The linked path “{url.path}” does not exist in this cluster (any more); showing {selected ? 'the first entry' : 'nothing'} instead.
              </p>
            )}
            {!shownPath && <p className="text-sm text-slate-500">No way into this cluster was found.</p>}
            {shownPath && (
              <>
                <PathHeader path={shownPath} trace={pathTrace} pathFindings={pathFindings} activeWhatIf={whatIf} onPreview={setWhatIf} />
                <ProbeBar
                  trace={trace}
                  pathCount={probeablePaths.length}
                  canRunPath={isProbeable(shownPath)}
                  onRunPath={() => run([shownPath.id])}
                  onRunAll={() => run(probeablePaths.map((p) => p.id))}
                  onCancel={cancel}
                />
                {whatIf && (
                  <div data-testid="preview-banner" role="status" className="flex flex-wrap items-center justify-between gap-2 rounded-md border-2 border-dashed border-amber-500 bg-amber-50 px-3 py-1.5 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100">
                    <span>
                      <span className="font-bold uppercase">preview</span> — path redrawn with the fix applied: <span className="font-mono text-xs">{whatIf}</span>
                      {preview.status === 'loading' && ' (computing…)'}
                      {preview.status === 'failed' && ` — could not compute: ${preview.message}`}
                    </span>
                    <button type="button" onClick={() => setWhatIf(null)} className="rounded px-2 py-0.5 text-xs font-semibold hover:bg-amber-200 dark:hover:bg-amber-900">
                      Back to the cluster as it is
                    </button>
                  </div>
                )}
                <div className="relative shrink-0 overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-950">
                  {graph && <HopGraph graph={graph} name={`hopscope-${shownPath.id.replace(/[^a-z0-9.-]+/gi, '_')}`} preview={previewPath !== null} onOpenHop={(id) => updateUrl({ hop: id })} />}
                </div>
                <Legend />
              </>
            )}
          </main>
          {openNode && shownPath && (
            <div className="min-h-0 xl:h-full">
              <DetailsPanel
                node={openNode}
                path={shownPath}
                trace={pathTrace}
                probes={trace.probes[shownPath.id] ?? []}
                findings={selected?.findings.filter((f) => f.hopId === openNode.id) ?? []}
                simulated={trace.simulated}
                activeWhatIf={whatIf}
                onPreview={setWhatIf}
                onClose={closeDetails}
              />
            </div>
          )}
        </div>
      )}
    </div>
  );
}
