'use client';

import type { NodeChange } from '@xyflow/react';
import { useCallback, useRef } from 'react';
import type { FlowNode } from './flow-types';

export type MeasuredSizes = ReadonlyMap<string, { width?: number; height?: number }>;

/**
 * What React Flow measured, per structure. The graph is controlled and rebuilt whenever data changes (probe
 * results, what-if, layout); a node object without `measured` makes React Flow drop its handle positions, and its
 * edges vanish until the node happens to be measured again. So measurements are recorded here and handed back.
 */
export function useMeasuredSizes(key: string): { sizes: MeasuredSizes; onNodesChange: (changes: NodeChange<FlowNode>[]) => void } {
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
  return { sizes: measured.current.sizes, onNodesChange };
}
