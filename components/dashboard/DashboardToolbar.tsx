'use client';

import type { ClusterSource } from '@/lib/types';
import { ShareButton } from '@/components/snapshot/ShareButton';
import { type ScenarioOption, type SourcePick, SourcePicker } from '@/components/ui/SourcePicker';
import { SourceBar } from './SourceBar';
import { useContexts } from './use-contexts';

export interface DashboardToolbarProps {
  /** Where the shown paths come from; null until they have loaded. */
  source: ClusterSource | null;
  scenarios: ScenarioOption[];
  /** The context and scenario the URL asks for. */
  context: string | null;
  scenario: string | null;
  /** The selected entry, shown first when a shared link is opened. */
  entry: string | null;
  onPick: (pick: SourcePick) => void;
}

/** Above the dashboard: the data's source, switching it, and sharing what is on screen. */
export function DashboardToolbar({ source, scenarios, context, scenario, entry, onPick }: DashboardToolbarProps) {
  const contexts = useContexts();
  // Scenarios are offered while one is shown; a live cluster is left through the context choice.
  const demo = source?.mode === 'demo';
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
      <div className="flex flex-wrap items-center gap-3">
        <SourceBar source={source} />
        <SourcePicker
          contexts={contexts}
          context={context}
          scenarios={demo ? scenarios : []}
          scenario={demo ? (scenario ?? source.scenario ?? null) : null}
          onPick={onPick}
        />
      </div>
      {source && <ShareButton context={context} scenario={scenario} entry={entry} />}
    </div>
  );
}
