'use client';

import type { ContextsResponse } from '@/lib/types';
import { netString } from './NetText';

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

const SELECT =
  'rounded border border-slate-300 bg-white px-1 py-0.5 text-sm dark:border-slate-600 dark:bg-slate-900 focus-visible:outline-2 focus-visible:outline-sky-500';

interface Option {
  value: string;
  text: string;
  title?: string;
}

/** "—" stands for nothing chosen here (the data comes from the other kind of source). */
const NONE: Option = { value: '', text: '—' };

function Choice(props: { caption: string; label: string; testId: string; value: string; options: Option[]; onChange: (value: string) => void }) {
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="text-xs text-slate-600 dark:text-slate-400">{props.caption}</span>
      <select data-testid={props.testId} aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)} className={SELECT}>
        {/* An <option> holds text only, no <bdi>: context names, servers and a scenario id from a link get their bidi
            controls shown as text; the value stays as it is, for the URL. */}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} title={o.title === undefined ? undefined : netString(o.title)}>
            {netString(o.text)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Where the data comes from: a kubeconfig context (like `kubectl config use-context`, but per view) or a demo
 * scenario. The choice lives in the URL so links can be shared; the caller decides how the URL changes. The context
 * choice is shown even when the current context cannot be reached, because that is when people need to switch.
 */
export function SourcePicker({ contexts, context, scenarios, scenario, onPick }: SourcePickerProps) {
  const switchable = contexts?.mode === 'kubeconfig' ? contexts.contexts : [];
  const shownContext = scenario ? '' : (context ?? contexts?.current ?? '');
  const contextOptions = switchable.map((c): Option => ({ value: c.name, text: c.name, title: c.server }));
  const scenarioOptions = scenarios.map((s): Option => ({ value: s.id, text: s.title }));
  // A scenario named in a link but not in the list is still the one on screen.
  const unlisted = scenario && !scenarios.some((s) => s.id === scenario) ? [{ value: scenario, text: scenario }] : [];
  return (
    <div className="flex flex-wrap items-center gap-3">
      {switchable.length > 0 && (
        <Choice
          caption="context"
          label="Kubernetes context"
          testId="context-switcher"
          value={shownContext}
          options={[...(shownContext === '' ? [NONE] : []), ...contextOptions]}
          onChange={(name) => onPick({ context: name })}
        />
      )}
      {scenarios.length > 0 && (
        <Choice
          caption="scenario"
          label="Demo scenario"
          testId="scenario-picker"
          value={scenario ?? ''}
          options={[...(scenario ? unlisted : [NONE]), ...scenarioOptions]}
          onChange={(id) => onPick({ scenario: id })}
        />
      )}
    </div>
  );
}
