import 'server-only';
import type { SourceQueryInput } from '@/lib/contract/requests';
import { getLastTrace, sourceKey } from '@/lib/probe/store';
import type { DashboardState } from '@/lib/snapshot/freeze';
import { currentPaths } from './paths';

/** What the dashboard shows right now for a source: discovery, the predicted paths, and the last trace if any. */
export async function currentState(source: SourceQueryInput): Promise<DashboardState> {
  const { inventory, paths } = await currentPaths(source);
  return { inventory, paths, whatIf: [], trace: getLastTrace(sourceKey(inventory.source)) };
}
