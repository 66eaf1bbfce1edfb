'use client';

import { useCallback, useEffect, useState } from 'react';
import type { TraceRun, VantageKind } from '@/lib/types';
import { VANTAGE_KINDS } from '@/lib/contract/enums';
import { kindOfTrace } from '@/lib/graph/vantages';
import { fetchJson } from './fetch-json';

export type StoredTraces = Partial<Record<VantageKind, TraceRun>>;

function withVantage(apiQuery: string, vantage: VantageKind): string {
  const params = new URLSearchParams(apiQuery.startsWith('?') ? apiQuery.slice(1) : apiQuery);
  params.set('vantage', vantage);
  return `?${params.toString()}`;
}

/**
 * The last trace of each vantage, as the server stored it (GET /api/v1/traces?vantage=…): read when the page opens
 * and on request, so an agent's or an earlier browser's observations show beside the pod's. Reading sends no probe.
 */
export function useStoredTraces(apiQuery: string) {
  const [stored, setStored] = useState<StoredTraces>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setStored({});
    for (const vantage of VANTAGE_KINDS) {
      fetchJson<{ trace: TraceRun | null }>(`/api/v1/traces${withVantage(apiQuery, vantage)}`, { signal: controller.signal })
        .then(({ trace }) => {
          // A server that knows no vantages answers its one last trace whatever was asked: file it under its own.
          if (trace && kindOfTrace(trace) === vantage) setStored((had) => ({ ...had, [vantage]: trace }));
        })
        // Stored observations are a bonus: the page works without them.
        .catch(() => undefined);
    }
    return () => controller.abort();
  }, [apiQuery, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { stored, reload };
}
