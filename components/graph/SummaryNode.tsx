'use client';

import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { HOP_KIND_TEXT } from '@/lib/graph/verdicts';
import { NetText } from '@/components/ui/NetText';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { STATUS_ACCENT } from '@/components/ui/status-style';
import { HANDLE_CLASS } from './handles';
import type { SummaryFlowNode } from './flow-types';
import { HopIcon } from './HopIcon';


function SummaryNodeView({ data, width, height }: NodeProps<SummaryFlowNode>) {
  const kind = HOP_KIND_TEXT[data.kind].toLowerCase();
  const names = data.hops.slice(0, 3).map((h) => h.name).join(', ');
  return (
    <div style={{ width, height }}>
      <Handle type="target" position={Position.Top} isConnectable={false} className={HANDLE_CLASS} />
      <button
        type="button"
        data-testid="hop-summary"
        data-kind={data.kind}
        aria-label={`${data.hops.length} more ${kind}s. Press Enter for the list.`}
        className={`nodrag flex h-full w-full flex-col justify-center gap-1 rounded-lg border border-l-[6px] border-slate-300 bg-slate-50 p-2 text-left shadow-sm focus-visible:outline-4 focus-visible:outline-sky-500 dark:border-slate-700 dark:bg-slate-900/70 ${STATUS_ACCENT[data.status]} ${data.mismatch ? 'ring-4 ring-red-500/70' : ''}`}
      >
        <span className="flex items-center justify-between gap-1 text-sm font-semibold">
          <span className="flex items-center gap-1">
            <HopIcon kind={data.kind} />+{data.hops.length} more {kind}s
          </span>
          <StatusBadge status={data.status} size="xs" />
        </span>
        <span className="truncate text-xs text-slate-600 dark:text-slate-300">
          <NetText value={names} />…
        </span>
        <span className="text-xs text-slate-500 dark:text-slate-400">same role as the hops beside it</span>
      </button>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className={HANDLE_CLASS} />
    </div>
  );
}

export const SummaryNode = memo(SummaryNodeView);
