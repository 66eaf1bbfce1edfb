import 'server-only';
import type { PathsQueryInput, SourceQueryInput } from '@/lib/contract/requests';
import { getInventory } from '@/lib/k8s/inventory';
import { buildPaths, formatWhatIf, parseWhatIfList, type ModelPath } from '@/lib/model';
import { filterPaths } from '@/lib/model/filter';
import type { ClusterInventory, PathsResponse } from '@/lib/types';

// inventory → paths, composed here once for the API, traces and snapshots.

export interface SourcePaths {
  inventory: ClusterInventory;
  paths: ModelPath[];
}

/**
 * The discovered inventory of a source and every path through it, as the model predicts them. `signal` is the
 * request's: a client that goes away stops waiting for discovery (and discovery stops when nobody else waits).
 */
export async function currentPaths(source: SourceQueryInput, signal?: AbortSignal): Promise<SourcePaths> {
  const inventory = await getInventory({ ...source, signal });
  return { inventory, paths: buildPaths(inventory) };
}

/** GET /api/v1/paths: the paths matching the filters, optionally with what-if previews applied first. */
export async function pathsFor(query: PathsQueryInput, signal?: AbortSignal): Promise<PathsResponse> {
  const { namespace, kind, verdict, q, whatIf: expressions, ...source } = query;
  const whatIf = expressions.flatMap(parseWhatIfList);
  const inventory = await getInventory({ ...source, signal });
  const all = buildPaths(inventory, whatIf);
  return {
    source: inventory.source,
    paths: filterPaths(all, { namespace: namespace ?? null, kind: kind ?? null, verdict: verdict ?? null, query: q ?? '' }),
    total: all.length,
    whatIf: whatIf.map(formatWhatIf),
    errors: inventory.errors,
  };
}
