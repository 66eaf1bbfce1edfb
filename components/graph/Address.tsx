import { NetText } from '@/components/ui/NetText';

/** One address shown on a hop or an edge; tests compare these with /api/v1/paths. */
export function Address({ value, field, tone = 'plain', vantage }: { value: string; field: string; tone?: 'plain' | 'observed' | 'mismatch'; vantage?: string }) {
  const tones = {
    plain: 'bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100',
    observed: 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
    mismatch: 'bg-red-600 text-white dark:bg-red-500',
  } as const;
  return (
    <span data-testid="address" data-field={field} data-vantage={vantage} className={`rounded px-1 font-mono text-[12px] leading-5 ${tones[tone]}`}>
      <NetText value={value} />
    </span>
  );
}
