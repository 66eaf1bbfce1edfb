// Positions for a HopGraph, computed by ELK's layered algorithm (top to bottom: client first, pod last).
// ELK is passed in so the caller decides where it runs and when its code is loaded; the result depends only on
// the graph, so the same path always gets the same picture.
import type { ELK, ElkNode } from 'elkjs/lib/elk-api';
import { type GraphEdge, type GraphNode, type HopGraph, NODE_HEIGHT, NODE_WIDTH } from './elements';

export interface Position {
  x: number;
  y: number;
}

export type PositionedNode = GraphNode & { position: Position; width: number; height: number };

export interface PositionedGraph {
  nodes: PositionedNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

/** Room between rows for the edge label (address + how the client address travels). */
export const LAYER_GAP = 104;
export const SIDE_GAP = 40;

export const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
  'elk.spacing.nodeNode': String(SIDE_GAP),
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  // Keep hops side by side in path order, so re-layouts after probes never reshuffle the picture.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
};

export function toElkGraph(graph: HopGraph): ElkNode {
  return {
    id: 'root',
    layoutOptions: LAYOUT_OPTIONS,
    children: graph.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
}

const PADDING = 16;

/**
 * An instant layout for the first paint while ELK loads: one centred row per group of hops, in path order, with the
 * same node sizes and gaps ELK is given. ELK's result replaces it as soon as it is ready.
 */
export function stageLayout(graph: HopGraph): PositionedGraph {
  const rows = new Map<number, GraphNode[]>();
  for (const node of graph.nodes) rows.set(node.data.stage, [...(rows.get(node.data.stage) ?? []), node]);
  const rowWidth = (count: number) => count * NODE_WIDTH + (count - 1) * SIDE_GAP;
  const widest = Math.max(0, ...[...rows.values()].map((r) => rowWidth(r.length)));
  const stages = [...rows.keys()].sort((a, b) => a - b);
  const nodes = stages.flatMap((stage, row) => {
    const members = rows.get(stage) ?? [];
    const left = PADDING + (widest - rowWidth(members.length)) / 2;
    return members.map(
      (n, i): PositionedNode => ({
        ...n,
        position: { x: left + i * (NODE_WIDTH + SIDE_GAP), y: PADDING + row * (NODE_HEIGHT + LAYER_GAP) },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      }),
    );
  });
  const height = stages.length === 0 ? 0 : stages.length * NODE_HEIGHT + (stages.length - 1) * LAYER_GAP + 2 * PADDING;
  return { nodes, edges: graph.edges, width: widest + 2 * PADDING, height };
}

/** Layout depends only on which nodes and edges exist, so probe results re-colour the graph without moving it. */
export function layoutKey(graph: HopGraph): string {
  return `${graph.nodes.map((n) => n.id).join('|')}#${graph.edges.map((e) => e.id).join('|')}`;
}

export const MIN_CANVAS_HEIGHT = 360;
export const MAX_CANVAS_HEIGHT = 2400;

/** The canvas is as tall as the graph at the zoom that fits its width, so hops stay readable and the page scrolls. */
export function canvasHeight(laid: PositionedGraph | undefined, width: number): number {
  if (!laid || width === 0) return MIN_CANVAS_HEIGHT;
  const zoom = Math.min(1, width / Math.max(1, laid.width));
  return Math.round(Math.min(MAX_CANVAS_HEIGHT, Math.max(MIN_CANVAS_HEIGHT, laid.height * zoom + 24)));
}

export async function layoutHopGraph(graph: HopGraph, elk: Pick<ELK, 'layout'>): Promise<PositionedGraph> {
  const laidOut = await elk.layout(toElkGraph(graph));
  const placed = new Map((laidOut.children ?? []).map((c) => [c.id, c]));
  const nodes = graph.nodes.map((n): PositionedNode => {
    const box = placed.get(n.id);
    return { ...n, position: { x: box?.x ?? 0, y: box?.y ?? 0 }, width: NODE_WIDTH, height: NODE_HEIGHT };
  });
  return { nodes, edges: graph.edges, width: laidOut.width ?? 0, height: laidOut.height ?? 0 };
}
