'use client';

import { type RefObject, useEffect, useState } from 'react';
import { type PositionedGraph, canvasHeight } from '@/lib/graph/layout';

/** Width of an element, following resizes. */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** How tall the canvas is: the laid-out graph at the zoom that fits the container's current width. */
export function useCanvasHeight(container: RefObject<HTMLElement | null>, laid: PositionedGraph): number {
  return canvasHeight(laid, useWidth(container));
}
