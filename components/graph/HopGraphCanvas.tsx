'use client';

import { Background, Controls, type NodeMouseHandler, type OnNodesChange, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { RefObject } from 'react';
import { ExportButtons } from './ExportButtons';
import type { FlowNode, HopFlowEdge } from './flow-types';
import { HopEdge } from './HopEdge';
import { HopNode } from './HopNode';
import { SummaryNode } from './SummaryNode';
import type { LayoutSource } from './use-elk-layout';
import { useKeepInView } from './use-keep-in-view';

const nodeTypes = { hop: HopNode, summary: SummaryNode };
const edgeTypes = { hop: HopEdge };
const FIT_OPTIONS = { padding: 0.06, maxZoom: 1 };
const PRO_OPTIONS = { hideAttribution: true };

export interface HopGraphCanvasProps {
  container: RefObject<HTMLDivElement | null>;
  /** The graph's structure: a new one starts a fresh React Flow. */
  structure: string;
  nodes: FlowNode[];
  edges: HopFlowEdge[];
  layout: LayoutSource;
  /** Whether every node, edge and edge label is on screen. */
  ready: boolean;
  height: number;
  /** Used for the exported file name. */
  name: string;
  preview: boolean;
  onNodeClick: NodeMouseHandler<FlowNode>;
  onNodesChange: OnNodesChange<FlowNode>;
}

function KeepInView({ layout }: { layout: LayoutSource }) {
  useKeepInView(layout, FIT_OPTIONS);
  return null;
}

/** Draws the hop graph from what it is given: read-only, fitted to its width, with export buttons. */
export function HopGraphCanvas({ container, structure, nodes, edges, layout, ready, height, name, preview, onNodeClick, onNodesChange }: HopGraphCanvasProps) {
  return (
    <div
      ref={container}
      data-testid="graph"
      data-ready={ready ? 'true' : 'false'}
      data-layout={layout}
      style={{ height }}
      className={`w-full ${preview ? 'bg-amber-50/60 dark:bg-amber-950/20' : ''}`}
    >
      {nodes.length > 0 && (
        <ReactFlow<FlowNode, HopFlowEdge>
          key={structure}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodeClick={onNodeClick}
          onNodesChange={onNodesChange}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          fitView
          fitViewOptions={FIT_OPTIONS}
          minZoom={0.2}
          colorMode="system"
          proOptions={PRO_OPTIONS}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} position="bottom-right" />
          <ExportButtons name={name} container={container} />
          <KeepInView layout={layout} />
        </ReactFlow>
      )}
    </div>
  );
}
