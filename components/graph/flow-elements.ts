import type { HopGraph } from '@/lib/graph/elements';
import type { PositionedGraph } from '@/lib/graph/layout';
import type { FlowNode, HopFlowEdge } from './flow-types';
import { declaredHandles } from './handles';
import type { MeasuredSizes } from './use-measured-sizes';

export interface FlowElements {
  nodes: FlowNode[];
  edges: HopFlowEdge[];
  /** How many edges carry a label. */
  labels: number;
}

/** React Flow's nodes and edges: the graph's current data, at the layout's positions, with what was measured. */
export function toFlowElements(graph: HopGraph, laid: PositionedGraph, measured: MeasuredSizes): FlowElements {
  const placed = new Map(laid.nodes.map((n) => [n.id, n]));
  const nodes = graph.nodes.map((n): FlowNode => {
    const at = placed.get(n.id);
    const base = {
      id: n.id,
      position: at?.position ?? { x: 0, y: 0 },
      width: at?.width,
      height: at?.height,
      measured: measured.get(n.id),
      handles: at ? declaredHandles(at.width, at.height) : undefined,
    };
    return n.type === 'hop' ? { ...base, type: 'hop', data: n.data } : { ...base, type: 'summary', data: n.data };
  });
  const edges: HopFlowEdge[] = graph.edges;
  return { nodes, edges, labels: edges.filter((edge) => edge.data?.labelled).length };
}
