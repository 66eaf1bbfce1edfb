import type { Edge, Node } from '@xyflow/react';
import type { HopEdgeData, HopNodeData, SummaryNodeData } from '@/lib/graph/elements';

export type HopFlowNode = Node<HopNodeData, 'hop'>;
export type SummaryFlowNode = Node<SummaryNodeData, 'summary'>;
export type FlowNode = HopFlowNode | SummaryFlowNode;
export type HopFlowEdge = Edge<HopEdgeData, 'hop'>;
