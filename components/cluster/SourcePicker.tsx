'use client';

import { useRouter } from 'next/navigation';

export interface SourcePickerProps {
  contexts: { name: string; server: string }[];
  currentContext: string | null;
  scenarios: { id: string; title: string }[];
  currentScenario: string | null;
}

/** Context switcher (live) and scenario picker (demo); the choice lives in the URL so links can be shared. */
export function SourcePicker({ contexts, currentContext, scenarios, currentScenario }: SourcePickerProps) {
  const router = useRouter();
  const go = (param: 'context' | 'scenario', value: string) => router.push(`/cluster?${new URLSearchParams({ [param]: value })}`);
  const selectClass =
    'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800 focus-visible:outline-2 focus-visible:outline-sky-500';
  return (
    <div className="flex flex-wrap items-center gap-4 text-sm">
      {contexts.length > 0 && (
        <label className="flex items-center gap-2">
          <span className="text-slate-600 dark:text-slate-400">Context</span>
          <select
            data-testid="context-switcher"
            className={selectClass}
            value={currentScenario ? '' : (currentContext ?? '')}
            onChange={(e) => go('context', e.target.value)}
          >
            {currentScenario && <option value="">—</option>}
            {contexts.map((c) => (
              <option key={c.name} value={c.name} title={c.server}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="flex items-center gap-2">
        <span className="text-slate-600 dark:text-slate-400">Demo scenario</span>
        <select
          data-testid="scenario-picker"
          className={selectClass}
          value={currentScenario ?? ''}
          onChange={(e) => go('scenario', e.target.value)}
        >
          {!currentScenario && <option value="">—</option>}
          {scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
