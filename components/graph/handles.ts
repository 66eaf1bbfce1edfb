import { type NodeHandle, Position } from '@xyflow/react';

/** The hop nodes' handles are invisible 4 px squares (h-1, w-1), centred on the top (in) and bottom (out) edges. */
export const HANDLE_CLASS = '!h-1 !w-1 !min-h-0 !min-w-0 !border-0 !bg-transparent';
const SIZE = 4;

/**
 * The same handles, declared on the node. React Flow draws an edge only between nodes whose handle positions it
 * knows; it measures them after rendering, and a controlled graph whose nodes change while it measures (the layout
 * arriving from ELK) can leave them unknown, and the edges undrawn, until the next resize. Declared, they are known
 * from the layout's sizes on the first render.
 */
export function declaredHandles(width: number, height: number): NodeHandle[] {
  const x = width / 2 - SIZE / 2;
  return [
    { type: 'target', position: Position.Top, x, y: -SIZE / 2, width: SIZE, height: SIZE },
    { type: 'source', position: Position.Bottom, x, y: height - SIZE / 2, width: SIZE, height: SIZE },
  ];
}
