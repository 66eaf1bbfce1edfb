'use client';

import {
  Background,
  Controls,
  type NodeChange,
  type NodeMouseHandler,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ELK } from 'elkjs/lib/elk-api';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HopGraph as HopGraphData } from '@/lib/graph/elements';
import { type PositionedGraph, layoutHopGraph, stageLayout } from '@/lib/graph/layout';
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

/** Keeps the whole path in view when the pane changes size (details panel opened, window resized) or the layout is refined. */
function KeepInView({ layoutSource }: { layoutSource: string }) {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    void fitView(FIT_OPTIONS);
  }, [width, height, layoutSource, fitView]);
  return null;
}

/**
 * Whether the graph is complete on screen. React Flow shows a node only once it has measured it, and draws edges
 * only between measured nodes, so "nodes exist" is not enough for anyone reading the graph (tests, image export).
 * Read from the DOM: React Flow's own `nodesInitialized` resets whenever a controlled graph passes new node objects.
 */
function useDrawn(
  container: React.RefObject<HTMLDivElement | null>,
  key: string,
  expected: { nodes: number; edges: number; labels: number },
): boolean {
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
  const [elkLayout, setElkLayout] = useState<{ key: string; laid: PositionedGraph } | null>(null);

  useEffect(() => {
    let current = true;
    loadElk()
      .then((elk) => layoutHopGraph(graph, elk))
      .then((laid) => {
        if (current) setElkLayout({ key, laid });
      })
      // The row layout stays on screen and is complete; a failed refinement is worth a console line, not an error page.
      .catch((err: unknown) => console.warn('ELK layout failed; keeping the row layout', err));
    return () => {
      current = false;
    };
    // Re-layout only when the structure changes; data updates of `graph` are merged below without moving nodes.
  }, [key]);

  // The first paint uses the instant row layout; ELK's positions replace it once ELK has loaded.
  const elkReady = elkLayout !== null && elkLayout.key === key;
  const laid = useMemo(() => (elkReady ? elkLayout.laid : stageLayout(graph)), [elkReady, elkLayout, graph]);

  // What React Flow measured, per structure. The graph is controlled and rebuilt whenever data changes (probe
  // results, what-if, layout); a node object without `measured` makes React Flow drop its handle positions, and its
  // edges vanish until the node happens to be measured again.
  const measured = useRef<{ key: string; sizes: Map<string, { width?: number; height?: number }> }>({ key, sizes: new Map() });
  if (measured.current.key !== key) measured.current = { key, sizes: new Map() };
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions && measured.current.key === key) {
          measured.current.sizes.set(change.id, change.dimensions);
        }
      }
    },
    [key],
  );

  const { nodes, edges } = useMemo(() => {
    const placed = new Map(laid.nodes.map((n) => [n.id, n]));
    const flowNodes = graph.nodes.map((n): FlowNode => {
      const at = placed.get(n.id);
      const base = {
        id: n.id,
        position: at?.position ?? { x: 0, y: 0 },
        width: at?.width,
        height: at?.height,
        measured: measured.current.sizes.get(n.id),
      };
      return n.type === 'hop' ? { ...base, type: 'hop', data: n.data } : { ...base, type: 'summary', data: n.data };
    });
    const flowEdges: HopFlowEdge[] = graph.edges;
    return { nodes: flowNodes, edges: flowEdges };
  }, [graph, laid]);

  const onNodeClick: NodeMouseHandler<FlowNode> = (_, node) => onOpenHop(node.id);
  // Keyed by structure so a new path is "not ready" until its own nodes and edges are drawn.
  const drawn = useDrawn(container, key, {
    nodes: nodes.length,
    edges: edges.length,
    labels: edges.filter((edge) => edge.data?.labelled).length,
  });

  return (
    <div
      ref={container}
      data-testid="graph"
      data-ready={drawn ? 'true' : 'false'}
      data-layout={elkReady ? 'elk' : 'rows'}
      style={{ height: canvasHeight(laid, width) }}
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
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} position="bottom-right" />
          <ExportButtons name={name} container={container} />
          <KeepInView layoutSource={elkReady ? 'elk' : 'rows'} />
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
