'use client';

import { useEffect, useMemo, useState } from 'react';
import type { HopGraph } from '@/lib/graph/elements';
import { type PositionedGraph, layoutHopGraph, layoutKey, stageLayout } from '@/lib/graph/layout';
import { loadElk } from './load-elk';

/** Which layout is on screen: the instant rows, or ELK's. */
export type LayoutSource = 'rows' | 'elk';

export interface GraphLayout {
  /** The graph's structure; a new one is a new picture. */
  key: string;
  laid: PositionedGraph;
  source: LayoutSource;
}

/**
 * Positions for the graph. The first paint uses the instant row layout; ELK's positions replace it once ELK has
 * answered. Only a new structure is laid out again: data updates keep the nodes where they are.
 */
export function useElkLayout(graph: HopGraph): GraphLayout {
  const key = layoutKey(graph);
  const [elk, setElk] = useState<{ key: string; laid: PositionedGraph } | null>(null);

  useEffect(() => {
    let current = true;
    Promise.resolve()
      .then(() => layoutHopGraph(graph, loadElk()))
      .then((laid) => {
        if (current) setElk({ key, laid });
      })
      // The row layout stays on screen and is complete; a failed refinement is worth a console line, not an error page.
      .catch((err: unknown) => console.warn('ELK layout failed; keeping the row layout', err));
    return () => {
      current = false;
    };
    // Keyed by structure on purpose: `graph` changes with every probe result, the structure does not.
  }, [key]);

  const elkReady = elk !== null && elk.key === key;
  const laid = useMemo(() => (elkReady ? elk.laid : stageLayout(graph)), [elkReady, elk, graph]);
  return { key, laid, source: elkReady ? 'elk' : 'rows' };
}
