import 'server-only';
import { listScenarios } from '@/lib/demo/scenarios';
import type { ScenarioOption } from './SourceBar';

/** Demo scenarios for the picker (id + title only: the client needs nothing else). */
export async function listScenarioOptions(): Promise<ScenarioOption[]> {
  const scenarios = await listScenarios();
  return scenarios.map((s) => ({ id: s.id, title: s.title }));
}
