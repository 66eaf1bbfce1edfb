'use client';

import type { ContextsResponse } from '@/lib/types';

export interface ScenarioOption {
  id: string;
  title: string;
}

export type SourcePick = { context: string } | { scenario: string };

export interface SourcePickerProps {
  /** The kubeconfig's contexts (GET /api/v1/contexts); null while unknown, and then no context choice is shown. */
  contexts: ContextsResponse | null;
  /** The context asked for (in the URL); otherwise the kubeconfig's current one is shown. */
  context: string | null;
  /** Demo scenarios to offer; empty = no scenario choice. */
  scenarios: ScenarioOption[];
  /** The scenario on screen, if the data comes from one. */
  scenario: string | null;
  onPick: (pick: SourcePick) => void;
}

const LABEL = 'flex items-center gap-1 text-sm';
const CAPTION = 'text-xs text-slate-600 dark:text-slate-400';
const SELECT =
  'rounded border border-slate-300 bg-white px-1 py-0.5 text-sm dark:border-slate-600 dark:bg-slate-900 focus-visible:outline-2 focus-visible:outline-sky-500';

/**
 * Where the data comes from: a kubeconfig context (like `kubectl config use-context`, but per view) or a demo
 * scenario. The choice lives in the URL so links can be shared; the caller decides how the URL changes. The context
 * choice is shown even when the current context cannot be reached, because that is when people need to switch.
 */
export function SourcePicker({ contexts, context, scenarios, scenario, onPick }: SourcePickerProps) {
  const switchable = contexts?.mode === 'kubeconfig' ? contexts.contexts : [];
  const shownContext = scenario ? '' : (context ?? contexts?.current ?? '');
  return (
    <div className="flex flex-wrap items-center gap-3">
      {switchable.length > 0 && (
        <label className={LABEL}>
          <span className={CAPTION}>context</span>
          <select
            data-testid="context-switcher"
            aria-label="Kubernetes context"
            value={shownContext}
            onChange={(e) => onPick({ context: e.target.value })}
            className={SELECT}
          >
            {shownContext === '' && <option value="">—</option>}
            {switchable.map((c) => (
              <option key={c.name} value={c.name} title={c.server}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {scenarios.length > 0 && (
        <label className={LABEL}>
          <span className={CAPTION}>scenario</span>
          <select
            data-testid="scenario-picker"
            aria-label="Demo scenario"
            value={scenario ?? ''}
            onChange={(e) => onPick({ scenario: e.target.value })}
            className={SELECT}
          >
            {!scenario && <option value="">—</option>}
            {scenario && !scenarios.some((s) => s.id === scenario) && <option value={scenario}>{scenario}</option>}
            {scenarios.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
