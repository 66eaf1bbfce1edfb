'use client';

import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getSmoothStepPath } from '@xyflow/react';
import { memo } from 'react';
import type { ClientAddressVia } from '@/lib/types';
import { ROLE_TEXT, VIA_TEXT } from '@/lib/graph/verdicts';
import { STATUS_STROKE } from '@/components/ui/status-style';
import { Address } from './Address';
import type { HopFlowEdge } from './flow-types';

/** Solid when the client address is the TCP source, dashed when it rides in a header or PROXY preamble, dotted when gone. */
function dashFor(via: ClientAddressVia): string | undefined {
  if (via === 'source') return undefined;
  if (via === 'none') return '2 5';
  return '8 5';
}

function HopEdgeView({ id, data, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }: EdgeProps<HopFlowEdge>) {
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 12 });
  if (!data) return <BaseEdge id={id} path={path} />;
  const stroke = data.mismatch ? '#dc2626' : STATUS_STROKE[data.status];
  return (
    <>
      <BaseEdge id={id} path={path} style={{ stroke, strokeWidth: data.mismatch ? 3.5 : 2, strokeDasharray: dashFor(data.via) }} />
      {data.labelled && (
        <EdgeLabelRenderer>
          <div
            data-testid="edge-label"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            className={`nodrag nopan pointer-events-none absolute flex max-w-[240px] flex-col items-center rounded-md border bg-white/95 px-1.5 py-0.5 text-center text-[11px] leading-4 text-slate-700 shadow-sm dark:bg-slate-900/95 dark:text-slate-200 ${
              data.mismatch ? 'border-red-500' : 'border-slate-200 dark:border-slate-700'
            }`}
          >
            <span className="flex flex-wrap items-center justify-center gap-1">
              <span className="text-slate-500 dark:text-slate-400">src</span>
              {data.peer ? <Address value={data.peer} field="peer" /> : <span>—</span>}
              {data.peerRole !== 'client' && data.peerRole !== 'none' && <span>({ROLE_TEXT[data.peerRole]})</span>}
            </span>
            <span className="font-medium">{data.via === 'none' ? 'client address not carried' : `client via ${VIA_TEXT[data.via]}`}</span>
            {data.mismatch && (
              <span className="flex items-center gap-1 font-semibold text-red-700 dark:text-red-300">
                observed <Address value={data.observedPeer ?? 'nothing'} field="observed-peer" tone="mismatch" />
              </span>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const HopEdge = memo(HopEdgeView);
