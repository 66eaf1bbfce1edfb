import { STATUS_ORDER, STATUS_TEXT } from '@/lib/graph/verdicts';
import { StatusBadge } from '@/components/ui/StatusBadge';

function Line({ dash }: { dash?: string }) {
  return (
    <svg width="28" height="6" aria-hidden="true">
      <line x1="0" y1="3" x2="28" y2="3" stroke="currentColor" strokeWidth="2" strokeDasharray={dash} />
    </svg>
  );
}

/** What colours, icons and line styles mean — the graph must be readable without docs. */
export function Legend() {
  return (
    <details data-testid="legend" open className="rounded-lg border border-slate-200 bg-white px-3 py-1.5 text-xs dark:border-slate-800 dark:bg-slate-900">
      <summary className="cursor-pointer select-none font-semibold text-slate-700 dark:text-slate-200">Legend</summary>
      <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {STATUS_ORDER.filter((s) => s !== 'neutral').map((status) => (
          <li key={status} className="flex items-center gap-1" title={STATUS_TEXT[status].meaning}>
            <StatusBadge status={status} size="xs" />
            <span className="text-slate-600 dark:text-slate-300">{STATUS_TEXT[status].meaning}</span>
          </li>
        ))}
      </ul>
      <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-slate-600 dark:text-slate-300">
        <li className="flex items-center gap-1">
          <Line /> client is the TCP source
        </li>
        <li className="flex items-center gap-1">
          <Line dash="8 5" /> client in a header / PROXY protocol
        </li>
        <li className="flex items-center gap-1">
          <Line dash="2 5" /> client address gone
        </li>
        <li className="flex items-center gap-1">
          <span className="rounded-full bg-red-600 px-1.5 text-[10px] font-bold uppercase text-white">⚠ observed ≠ predicted</span> a probe saw something else
        </li>
        <li>
          <span className="font-mono">src</span> = TCP source address the next hop sees
        </li>
      </ul>
    </details>
  );
}
