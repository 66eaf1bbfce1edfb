'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { type DashboardUrlState, readUrlState, writeUrlState } from '@/lib/graph/url-state';
import type { SourcePick } from '@/components/ui/SourcePicker';

export type UpdateUrl = (change: Partial<DashboardUrlState>, mode?: 'push' | 'replace') => void;

/**
 * The dashboard's view state, read from the URL, and the one way to change it. `push` makes a new history entry
 * (another source, path or entry), `replace` does not (filters, an opened hop).
 */
export function useDashboardUrl(): { url: DashboardUrlState; updateUrl: UpdateUrl } {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const url = useMemo(() => readUrlState(searchParams), [searchParams]);
  const updateUrl = useCallback<UpdateUrl>(
    (change, mode = 'replace') => {
      // From the address bar rather than `url`: two changes in one event must not undo each other.
      const next = writeUrlState({ ...readUrlState(new URLSearchParams(window.location.search)), ...change });
      window.history[mode === 'push' ? 'pushState' : 'replaceState'](null, '', `${pathname}${next}`);
    },
    [pathname],
  );
  return { url, updateUrl };
}

/** Another source is another set of paths: the path and hop shown before mean nothing there. */
export function sourceChange(pick: SourcePick): Partial<DashboardUrlState> {
  if ('context' in pick) return { context: pick.context, scenario: null, path: null, hop: null };
  return { scenario: pick.scenario, path: null, hop: null };
}
