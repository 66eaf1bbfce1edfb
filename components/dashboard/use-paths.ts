'use client';

import { useEffect, useState } from 'react';
import type { PathsResponse } from '@/lib/types';
import { fetchJson } from './fetch-json';

export type Loaded<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; message: string };

/** GET /api/v1/paths with the given query; null = nothing to load. A new query cancels the previous one. */
export function usePaths(query: string | null): Loaded<PathsResponse> {
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
