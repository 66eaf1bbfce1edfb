'use client';

import { useCallback } from 'react';
import type { GraphNode, HopGraph } from '@/lib/graph/elements';
import type { UpdateUrl } from './use-dashboard-url';

/** The hop whose details are open (named in the URL), and opening and closing it. */
export function useOpenHop(graph: HopGraph | null, hopId: string | null, updateUrl: UpdateUrl) {
  const openNode: GraphNode | null = graph && hopId ? (graph.nodes.find((n) => n.id === hopId) ?? null) : null;
  const openHop = useCallback((id: string) => updateUrl({ hop: id }), [updateUrl]);
  const closeHop = useCallback(() => {
    updateUrl({ hop: null });
    // Back to where the reader was: the hop they opened.
    if (hopId) document.querySelector<HTMLElement>(`[data-hop-id="${CSS.escape(hopId)}"]`)?.focus();
  }, [updateUrl, hopId]);
  return { openNode, openHop, closeHop };
}
