'use client';

import { useMemo } from 'react';
import type { NetPath } from '@/lib/types';
import { firstEntry } from '@/lib/graph/entries';
import type { DashboardUrlState } from '@/lib/graph/url-state';
import { type EntryFilter, filterPaths } from '@/lib/model/filter';

export interface PathSelection {
  filter: EntryFilter;
  /** The path the URL names, if it exists. */
  requested: NetPath | null;
  /** The path on screen: the one the URL names, else the first one the filter lets through, else the first one. */
  selected: NetPath | null;
}

export function useSelectedPath(paths: NetPath[], url: DashboardUrlState): PathSelection {
  const { query, namespace, kind, verdict } = url;
  const filter = useMemo<EntryFilter>(() => ({ query, namespace, kind, verdict }), [query, namespace, kind, verdict]);
  const requested = (url.path ? paths.find((p) => p.id === url.path) : undefined) ?? null;
  const selected = useMemo(() => requested ?? firstEntry(filterPaths(paths, filter)) ?? firstEntry(paths), [requested, paths, filter]);
  return { filter, requested, selected };
}
