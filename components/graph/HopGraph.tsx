'use client';

import { type NodeMouseHandler, ReactFlowProvider } from '@xyflow/react';
import { useCallback, useMemo, useRef } from 'react';
import type { HopGraph as HopGraphData } from '@/lib/graph/elements';
import { toFlowElements } from './flow-elements';
import type { FlowNode } from './flow-types';
import { HopGraphCanvas } from './HopGraphCanvas';
import { useCanvasHeight } from './use-canvas-height';
import { useElkLayout } from './use-elk-layout';
import { useGraphReady } from './use-graph-ready';
import { useMeasuredSizes } from './use-measured-sizes';

export interface HopGraphProps {
  graph: HopGraphData;
  /** Used for the exported file name. */
  name: string;
  onOpenHop: (nodeId: string) => void;
  preview: boolean;
}

function Graph({ graph, name, onOpenHop, preview }: HopGraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const { key, laid, source } = useElkLayout(graph);
  const height = useCanvasHeight(container, laid);
  const { sizes, onNodesChange } = useMeasuredSizes(key);
  const { nodes, edges, labels } = useMemo(() => toFlowElements(graph, laid, sizes), [graph, laid, sizes]);
  const ready = useGraphReady(container, key, { nodes: nodes.length, edges: edges.length, labels });
  const onNodeClick = useCallback<NodeMouseHandler<FlowNode>>((_, node) => onOpenHop(node.id), [onOpenHop]);
  return (
    <HopGraphCanvas
      container={container}
      structure={key}
      nodes={nodes}
      edges={edges}
      layout={source}
      ready={ready}
      height={height}
      name={name}
      preview={preview}
      onNodeClick={onNodeClick}
      onNodesChange={onNodesChange}
    />
  );
}

/** The read-only hop graph. Loaded with next/dynamic (LazyHopGraph) so React Flow stays out of the first-load bundle. */
export default function HopGraph(props: HopGraphProps) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}
