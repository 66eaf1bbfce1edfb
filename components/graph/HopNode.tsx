'use client';

import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { HOP_KIND_TEXT, ROLE_TEXT, VANTAGE_TAG, VIA_TEXT } from '@/lib/graph/verdicts';
import { NetText, netString } from '@/components/ui/NetText';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { STATUS_ACCENT } from '@/components/ui/status-style';
import { Address } from './Address';
import { HANDLE_CLASS } from './handles';
import type { HopFlowNode } from './flow-types';
import { HopIcon } from './HopIcon';


/** "via X-Forwarded-For" when the real client arrives; otherwise say whose address it really is. */
function beliefNote(hop: HopFlowNode['data']['hop']): string {
  if (hop.believedClientRole === 'client') return `via ${VIA_TEXT[hop.clientAddressVia]}`;
  return `= ${ROLE_TEXT[hop.believedClientRole]}${hop.clientAddressVia !== 'none' ? `, via ${VIA_TEXT[hop.clientAddressVia]}` : ''}`;
}

function HopNodeView({ data, width, height }: NodeProps<HopFlowNode>) {
  const { hop, predicted, observations, observedStatus, mismatch, loadBalancer } = data;
  // With one vantage the tag is noise unless it is an outside one (the pod's view used to be the only one).
  const tagged = observations.length > 1 || observations.some((o) => o.vantage !== 'in-cluster');
  const caption = loadBalancer ? loadBalancer.caption : HOP_KIND_TEXT[hop.kind];
  const isOrigin = predicted === 'neutral';
  return (
    <div style={{ width, height }} className="relative">
      <Handle type="target" position={Position.Top} isConnectable={false} className={HANDLE_CLASS} />
      {mismatch && (
        <div
          data-testid="mismatch"
          className="absolute -top-3 left-1/2 z-10 -translate-x-1/2 whitespace-nowrap rounded-full bg-red-600 px-2 py-0.5 text-[11px] font-bold uppercase tracking-wide text-white shadow"
        >
          ⚠ observed ≠ predicted
        </div>
      )}
      <button
        type="button"
        data-testid="hop"
        data-kind={hop.kind}
        data-hop-id={hop.id}
        data-status={predicted}
        data-mismatch={mismatch ? 'true' : 'false'}
        aria-label={netString(`${caption} ${hop.name}: ${predicted}${mismatch ? ', observed differs from prediction' : ''}. Press Enter for details.`)}
        className={`nodrag flex h-full w-full cursor-pointer flex-col gap-1 overflow-hidden rounded-lg border border-l-[6px] bg-white p-2 text-left shadow-sm transition-shadow hover:shadow-md focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:bg-slate-900 ${STATUS_ACCENT[predicted]} ${
          mismatch ? 'border-red-600 ring-4 ring-red-500/70 dark:border-red-500' : 'border-slate-300 dark:border-slate-700'
        }`}
      >
        <span className="flex items-center justify-between gap-1">
          <span className="flex min-w-0 items-center gap-1 text-[11px] font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
            <HopIcon kind={hop.kind} flavour={loadBalancer?.flavour} />
            <span className="truncate">
              <NetText value={caption} />
            </span>
          </span>
          <StatusBadge status={predicted} size="xs" />
        </span>
        <span className="truncate text-sm font-semibold" title={netString(hop.name)}>
          <NetText value={hop.name} />
        </span>
        <span className="flex flex-wrap items-center gap-1 text-xs text-slate-600 dark:text-slate-300">
          {hop.address && <Address value={hop.address} field="hop-address" />}
          {hop.port ? <span>:{hop.port}</span> : null}
          {loadBalancer?.announcingNode && (
            <span>
              announced by <NetText value={loadBalancer.announcingNode} />
            </span>
          )}
        </span>
        {hop.believedClient !== null && !isOrigin && (
          <span className="flex flex-wrap items-center gap-1 text-xs text-slate-600 dark:text-slate-300">
            client seen as <Address value={hop.believedClient} field="believed-client" />
            <span>{beliefNote(hop)}</span>
          </span>
        )}
        {observations.length > 0 && (
          <span
            data-testid="hop-observations"
            title="observed, per vantage"
            className="flex flex-wrap items-center gap-x-1.5 gap-y-0.5 text-xs font-medium text-slate-600 dark:text-slate-300"
          >
            {/* With several vantages each address carries its vantage's name; the word would only take a line. */}
            {!tagged && 'observed'}
            {observations.map(({ vantage, observed }) => (
              <span
                key={vantage}
                data-testid="hop-observation"
                data-vantage={vantage}
                data-matches={observed.matches ? 'true' : 'false'}
                className={`inline-flex items-center gap-0.5 ${observed.matches ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300'}`}
              >
                {tagged && <span className="text-[10px] font-semibold uppercase tracking-wide">{VANTAGE_TAG[vantage]}</span>}
                {observed.observedPeer ? (
                  <Address value={observed.observedPeer} field="observed-peer" vantage={vantage} tone={observed.matches ? 'observed' : 'mismatch'} />
                ) : (
                  <span>nothing</span>
                )}
                {!tagged && <span>({ROLE_TEXT[observed.observedPeerRole]})</span>}
              </span>
            ))}
            {observedStatus && observedStatus !== predicted && <StatusBadge status={observedStatus} size="xs" prefix="observed" />}
          </span>
        )}
      </button>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className={HANDLE_CLASS} />
    </div>
  );
}

export const HopNode = memo(HopNodeView);
