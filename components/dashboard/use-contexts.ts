'use client';

import { useEffect, useState } from 'react';
import type { ContextsResponse } from '@/lib/types';
import { fetchJson } from './fetch-json';

/** The kubeconfig's contexts (GET /api/v1/contexts), read once; null until known or when they cannot be read. */
export function useContexts(): ContextsResponse | null {
  const [contexts, setContexts] = useState<ContextsResponse | null>(null);
  useEffect(() => {
    fetchJson<ContextsResponse>('/api/v1/contexts').then(setContexts, () => setContexts(null));
  }, []);
  return contexts;
}
