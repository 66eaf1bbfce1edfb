'use client';

import { type FitViewOptions, useReactFlow, useStore } from '@xyflow/react';
import { useEffect } from 'react';

/**
 * Keeps the whole path in view when the pane changes size (details panel opened, window resized) or the layout is
 * refined. Used inside the graph's <ReactFlow>, so it also fits again whenever that remounts.
 */
export function useKeepInView(layout: string, options: FitViewOptions): void {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    void fitView(options);
  }, [width, height, layout, fitView, options]);
}
