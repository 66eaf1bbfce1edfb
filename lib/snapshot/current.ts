import 'server-only';
import type { SourceQueryInput } from '@/lib/api';
import { getInventory } from '@/lib/k8s/inventory';
import { buildPaths } from '@/lib/model/paths';
import { getLastTrace, sourceKey } from '@/lib/probe/store';
import type { DashboardState } from './freeze';

/** What the dashboard shows right now for a source: discovery, the predicted paths, and the last trace if any. */
export async function currentState(source: SourceQueryInput): Promise<DashboardState> {
  const inventory = await getInventory(source);
  return {
    inventory,
    paths: buildPaths(inventory),
    whatIf: [],
    trace: getLastTrace(sourceKey(inventory.source)),
  };
}
