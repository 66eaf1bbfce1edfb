'use client';

import { useMemo } from 'react';
import type { EntryKind, NetPath, PathTrace, Verdict } from '@/lib/types';
import { VERDICTS } from '@/lib/contract/enums';
import { ENTRY_KIND_TEXT, entrySubtitle, entryTitle, groupEntries, kindsOf, namespacesOf } from '@/lib/graph/entries';
import { stateOfTrace } from '@/lib/graph/vantages';
import { type EntryFilter, filterPaths } from '@/lib/model/filter';
import { NetText, netString } from '@/components/ui/NetText';
import { StatusBadge } from '@/components/ui/StatusBadge';


export interface EntryPickerProps {
  paths: NetPath[];
  selectedId: string | null;
  filter: EntryFilter;
  traces: Record<string, PathTrace>;
  onFilterChange: (filter: EntryFilter) => void;
  onSelect: (pathId: string) => void;
}

const field =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900 focus-visible:outline-2 focus-visible:outline-sky-500';

export function EntryPicker({ paths, selectedId, filter, traces, onFilterChange, onSelect }: EntryPickerProps) {
  const namespaces = useMemo(() => namespacesOf(paths), [paths]);
  const kinds = useMemo(() => kindsOf(paths), [paths]);
  const visible = useMemo(() => filterPaths(paths, filter), [paths, filter]);
  const groups = useMemo(() => groupEntries(visible), [visible]);

  return (
    <nav aria-label="Ways into the cluster" className="flex h-full min-h-0 flex-col gap-2">
      <div className="flex flex-col gap-2">
        <label className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400" htmlFor="entry-search">
          Ways in ({visible.length} of {paths.length})
        </label>
        <input
          id="entry-search"
          type="search"
          placeholder="Search host, address, name…"
          value={filter.query}
          onChange={(e) => onFilterChange({ ...filter, query: e.target.value })}
          className={field}
        />
        <div className="grid grid-cols-3 gap-1">
          <select aria-label="Namespace" value={filter.namespace ?? ''} onChange={(e) => onFilterChange({ ...filter, namespace: e.target.value || null })} className={field}>
            <option value="">all namespaces</option>
            {namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {netString(ns)}
              </option>
            ))}
          </select>
          <select aria-label="Kind" value={filter.kind ?? ''} onChange={(e) => onFilterChange({ ...filter, kind: (e.target.value || null) as EntryKind | null })} className={field}>
            <option value="">all kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {ENTRY_KIND_TEXT[k]}
              </option>
            ))}
          </select>
          <select aria-label="Verdict" value={filter.verdict ?? ''} onChange={(e) => onFilterChange({ ...filter, verdict: (e.target.value || null) as Verdict | null })} className={field}>
            <option value="">all verdicts</option>
            {VERDICTS.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto pr-1">
        {groups.length === 0 && <p className="p-2 text-sm text-slate-500">No way in matches this filter.</p>}
        {groups.map((group) => (
          <section key={group.kind} aria-label={group.label} className="mb-3">
            <h3 className="sticky top-0 z-10 bg-slate-50 py-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:bg-slate-950 dark:text-slate-400">
              {group.label} · {group.paths.length}
            </h3>
            <ul className="flex flex-col gap-1">
              {group.paths.map((path) => {
                const trace = traces[path.id];
                const selected = path.id === selectedId;
                return (
                  <li key={path.id}>
                    <button
                      type="button"
                      data-testid="entry"
                      data-path-id={path.id}
                      data-verdict={path.verdict}
                      aria-current={selected ? 'true' : undefined}
                      onClick={() => onSelect(path.id)}
                      className={`flex w-full flex-col gap-0.5 rounded-md border px-2 py-1.5 text-left focus-visible:outline-2 focus-visible:outline-sky-500 ${
                        selected
                          ? 'border-sky-500 bg-sky-50 dark:border-sky-400 dark:bg-sky-950'
                          : 'border-transparent hover:border-slate-300 hover:bg-white dark:hover:border-slate-700 dark:hover:bg-slate-900'
                      }`}
                    >
                      <span className="flex items-center justify-between gap-2">
                        <span className="truncate text-sm font-medium">
                          <NetText value={entryTitle(path)} />
                        </span>
                        <StatusBadge status={path.verdict} size="xs" />
                      </span>
                      <span className="flex items-center justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
                        <span className="truncate">
                          <NetText value={entrySubtitle(path)} />
                        </span>
                        {trace && <TraceMark state={stateOfTrace(trace)} />}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
    </nav>
  );
}

/** How the most telling vantage's trace of a path stands (lib/graph/vantages.ts pickerTraces). */
function TraceMark({ state }: { state: ReturnType<typeof stateOfTrace> }) {
  if (state === 'not-probed') return <span data-testid="entry-trace" data-state={state}>not probed</span>;
  if (state === 'not-reachable') return <span data-testid="entry-trace" data-state={state}>not reachable</span>;
  return (
    <span data-testid="entry-trace" data-state={state} className={state === 'matches' ? 'text-emerald-700 dark:text-emerald-300' : 'font-bold text-red-700 dark:text-red-300'}>
      {state === 'matches' ? '✔ probed' : '⚠ differs'}
    </span>
  );
}
