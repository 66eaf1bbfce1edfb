'use client';

import { Background, Controls, type NodeMouseHandler, Panel, ReactFlow, ReactFlowProvider, useReactFlow, useStore } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ELK } from 'elkjs/lib/elk-api';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { HopGraph as HopGraphData } from '@/lib/graph/elements';
import { type PositionedGraph, layoutHopGraph } from '@/lib/graph/layout';
import { exportGraphImage, type ImageFormat } from './export-image';
import type { FlowNode, HopFlowEdge } from './flow-types';
import { HopEdge } from './HopEdge';
import { HopNode } from './HopNode';
import { SummaryNode } from './SummaryNode';

const nodeTypes = { hop: HopNode, summary: SummaryNode };
const FIT_OPTIONS = { padding: 0.06, maxZoom: 1 };
const MIN_HEIGHT = 360;
const MAX_HEIGHT = 2400;
const edgeTypes = { hop: HopEdge };

let elkInstance: Promise<ELK> | null = null;
/** ELK is large; it is loaded once, after the page is interactive, and only when a graph is drawn. */
function loadElk(): Promise<ELK> {
  elkInstance ??= import('elkjs/lib/elk.bundled.js').then(({ default: Elk }) => new Elk());
  return elkInstance;
}

/** Layout depends only on which nodes and edges exist, so probe results re-colour the graph without moving it. */
function structureKey(graph: HopGraphData): string {
  return `${graph.nodes.map((n) => n.id).join('|')}#${graph.edges.map((e) => e.id).join('|')}`;
}

export interface HopGraphProps {
  graph: HopGraphData;
  /** Used for the exported file name. */
  name: string;
  onOpenHop: (nodeId: string) => void;
  preview: boolean;
}

function ExportButtons({ name, container }: { name: string; container: React.RefObject<HTMLDivElement | null> }) {
  const { getNodes } = useReactFlow();
  const [busy, setBusy] = useState<ImageFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run(format: ImageFormat) {
    if (!container.current) return;
    setBusy(format);
    setError(null);
    try {
      await exportGraphImage(container.current, getNodes(), format, name);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  }
  const button =
    'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium shadow-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700';
  return (
    <Panel position="top-right" className="flex items-center gap-1">
      <span className="text-xs text-slate-500 dark:text-slate-400">Export</span>
      {(['png', 'svg'] as const).map((format) => (
        <button key={format} type="button" className={button} disabled={busy !== null} onClick={() => run(format)}>
          {busy === format ? '…' : format.toUpperCase()}
        </button>
      ))}
      {error && <span role="alert" className="text-xs text-red-600">{error}</span>}
    </Panel>
  );
}

/** Keeps the whole path in view when the pane changes size (details panel opened, window resized). */
function FitOnResize() {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    void fitView(FIT_OPTIONS);
  }, [width, height, fitView]);
  return null;
}

/** Width of an element, following resizes. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
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

/** The canvas is as tall as the graph at the zoom that fits its width, so hops stay readable and the page scrolls. */
function canvasHeight(laid: PositionedGraph | undefined, width: number): number {
  if (!laid || width === 0) return MIN_HEIGHT;
  const zoom = Math.min(1, width / Math.max(1, laid.width));
  return Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, laid.height * zoom + 24)));
}

function Graph({ graph, name, onOpenHop, preview }: HopGraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const width = useWidth(container);
  const key = structureKey(graph);
  const [layout, setLayout] = useState<{ key: string; laid: PositionedGraph } | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    loadElk()
      .then((elk) => layoutHopGraph(graph, elk))
      .then((laid) => {
        if (current) setLayout({ key, laid });
      })
      .catch((err: unknown) => {
        if (current) setLayoutError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      current = false;
    };
    // Re-layout only when the structure changes; data updates of `graph` are merged below without moving nodes.
  }, [key]);

  const { nodes, edges } = useMemo(() => {
    if (!layout || layout.key !== key) return { nodes: [] as FlowNode[], edges: [] as HopFlowEdge[] };
    const placed = new Map(layout.laid.nodes.map((n) => [n.id, n]));
    const flowNodes = graph.nodes.map((n): FlowNode => {
      const at = placed.get(n.id);
      const base = { id: n.id, position: at?.position ?? { x: 0, y: 0 }, width: at?.width, height: at?.height };
      return n.type === 'hop' ? { ...base, type: 'hop', data: n.data } : { ...base, type: 'summary', data: n.data };
    });
    const flowEdges: HopFlowEdge[] = graph.edges;
    return { nodes: flowNodes, edges: flowEdges };
  }, [graph, layout, key]);

  const onNodeClick: NodeMouseHandler<FlowNode> = (_, node) => onOpenHop(node.id);

  if (layoutError) return <p role="alert" className="p-4 text-sm text-red-700">Could not lay out the graph: {layoutError}</p>;

  return (
    <div
      ref={container}
      data-testid="graph"
      data-ready={nodes.length > 0 ? 'true' : 'false'}
      style={{ height: canvasHeight(layout?.laid, width) }}
      className={`w-full ${preview ? 'bg-amber-50/60 dark:bg-amber-950/20' : ''}`}
    >
      {nodes.length > 0 && (
        <ReactFlow<FlowNode, HopFlowEdge>
          key={key}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodeClick={onNodeClick}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          fitView
          fitViewOptions={FIT_OPTIONS}
          minZoom={0.2}
          colorMode="system"
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} position="bottom-right" />
          <ExportButtons name={name} container={container} />
          <FitOnResize />
        </ReactFlow>
      )}
    </div>
  );
}

/** The read-only hop graph. Loaded with next/dynamic so React Flow stays out of the first-load bundle. */
export default function HopGraph(props: HopGraphProps) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}
