import 'server-only';
import { listScenarios } from '@/lib/demo/scenarios';
import type { ScenarioOption } from '@/components/ui/SourcePicker';

let options: ScenarioOption[] | null = null;

/**
 * Demo scenarios for the picker (id + title only: the client needs nothing else). The scenario files ship with the
 * server and never change while it runs, so they are read once rather than on every page view.
 */
export function listScenarioOptions(): ScenarioOption[] {
  options ??= listScenarios().map((s) => ({ id: s.id, title: s.title }));
  return options;
}
