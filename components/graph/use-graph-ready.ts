'use client';

import { type RefObject, useEffect, useState } from 'react';

export interface DrawnCounts {
  nodes: number;
  edges: number;
  /** Edges that carry a label. */
  labels: number;
}

/**
 * Whether the graph is complete on screen. React Flow shows a node only once it has measured it, and draws edges
 * only between measured nodes, so "nodes exist" is not enough for anyone reading the graph (tests, image export).
 * Read from the DOM: React Flow's own `nodesInitialized` resets whenever a controlled graph passes new node objects.
 * Keyed by structure, so a new path is "not ready" until its own nodes and edges are drawn. Never true for an
 * empty graph.
 */
export function useGraphReady(container: RefObject<HTMLElement | null>, key: string, expected: DrawnCounts): boolean {
  const { nodes: nodeCount, edges: edgeCount, labels: labelCount } = expected;
  // What "drawn" was last confirmed for: a new structure, or a data change that adds edges or labels, asks again.
  const wanted = `${key}|${nodeCount}|${edgeCount}|${labelCount}`;
  const [confirmed, setConfirmed] = useState<string | null>(null);
  useEffect(() => {
    const element = container.current;
    if (!element || nodeCount === 0) return;
    const check = () => {
      const nodes = [...element.querySelectorAll<HTMLElement>('.react-flow__node')];
      const drawn =
        nodes.length >= nodeCount &&
        nodes.every((node) => node.style.visibility !== 'hidden') &&
        element.querySelectorAll('.react-flow__edge').length >= edgeCount &&
        // Labels go through a portal that React Flow creates after its first render, so they can trail the edges.
        element.querySelectorAll('[data-testid="edge-label"]').length >= labelCount;
      if (drawn) setConfirmed(wanted);
      return drawn;
    };
    if (check()) return;
    const observer = new MutationObserver(() => {
      if (check()) observer.disconnect();
    });
    observer.observe(element, { subtree: true, childList: true, attributes: true, attributeFilter: ['style'] });
    return () => observer.disconnect();
  }, [container, wanted, nodeCount, edgeCount, labelCount]);
  return confirmed === wanted;
}
