// Colours per hop status, readable in light and dark mode. Status is always also shown as icon + text.
import type { HopStatus } from '@/lib/graph/verdicts';

export const STATUS_BADGE: Record<HopStatus, string> = {
  preserved: 'bg-emerald-100 text-emerald-900 ring-emerald-600/40 dark:bg-emerald-900/60 dark:text-emerald-100 dark:ring-emerald-400/40',
  header: 'bg-sky-100 text-sky-900 ring-sky-600/40 dark:bg-sky-900/60 dark:text-sky-100 dark:ring-sky-400/40',
  lost: 'bg-orange-100 text-orange-900 ring-orange-600/40 dark:bg-orange-900/60 dark:text-orange-100 dark:ring-orange-400/40',
  spoofable: 'bg-fuchsia-100 text-fuchsia-900 ring-fuchsia-600/40 dark:bg-fuchsia-900/60 dark:text-fuchsia-100 dark:ring-fuchsia-400/40',
  broken: 'bg-red-100 text-red-900 ring-red-600/40 dark:bg-red-900/60 dark:text-red-100 dark:ring-red-400/40',
  unreachable: 'bg-slate-200 text-slate-800 ring-slate-500/40 dark:bg-slate-700 dark:text-slate-100 dark:ring-slate-400/40',
  neutral: 'bg-slate-100 text-slate-700 ring-slate-400/40 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-500/40',
};

/** Left accent bar of a hop card. */
export const STATUS_ACCENT: Record<HopStatus, string> = {
  preserved: 'border-l-emerald-500',
  header: 'border-l-sky-500',
  lost: 'border-l-orange-500',
  spoofable: 'border-l-fuchsia-500',
  broken: 'border-l-red-600',
  unreachable: 'border-l-slate-400 border-dashed',
  neutral: 'border-l-slate-400',
};

/** Edge stroke colours (SVG needs concrete values; chosen to read on white and on slate-950). */
export const STATUS_STROKE: Record<HopStatus, string> = {
  preserved: '#10b981',
  header: '#0ea5e9',
  lost: '#f97316',
  spoofable: '#d946ef',
  broken: '#dc2626',
  unreachable: '#94a3b8',
  neutral: '#94a3b8',
};
