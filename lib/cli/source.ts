// The inventory `paths` and `explain` read: discovery through a kubeconfig, exactly as the dashboard does it
// (lib/k8s/inventory.ts), or a demo scenario. Unlike the dashboard, the CLI never falls back to the demo on its own:
// a script that meant a cluster must not be handed a made-up one.
import { getInventory } from '../k8s/inventory';
import { buildPaths, type ModelPath } from '../model';
import { filterPaths } from '../model/filter';
import { HopscopeError } from '../errors';
import type { ClusterInventory, PathsResponse, Verdict } from '../types';
import type { ClusterSourceArgs } from './commands';
import { CliError, UsageError } from './errors';
import { SCENARIOS_DIR } from './install';
import type { CliIo } from './probe';
import { discoveryProgress, progressLine } from './progress';


export async function inventoryOf(source: ClusterSourceArgs, io?: CliIo): Promise<ClusterInventory> {
  let inventory: ClusterInventory;
  const line = io ? progressLine(io) : null;
  try {
    inventory = await getInventory({
      ...(source.scenario !== null ? { scenario: source.scenario } : {}),
      ...(source.context !== null ? { context: source.context } : {}),
      ...(source.kubeconfig !== null ? { kubeconfigPath: source.kubeconfig } : {}),
      scenariosDir: SCENARIOS_DIR,
      forceDemo: false,
      inCluster: false,
      inventoryTtlMs: 0,
      ...(line ? { progress: discoveryProgress(line) } : {}),
    });
  } catch (error) {
    if (error instanceof HopscopeError) {
      const Kind = error.code === 'unknown_scenario' || error.code === 'unknown_context' ? UsageError : CliError;
      throw new Kind(error.message, error.hint);
    }
    throw error;
  } finally {
    line?.done();
  }
  if (inventory.source.mode === 'demo' && source.scenario === null) {
    throw new UsageError(
      `no cluster to read: ${inventory.source.fallbackReason ?? 'no kubeconfig'}`,
      'set KUBECONFIG or --kubeconfig, or read a demo scenario with --scenario <id>',
    );
  }
  return inventory;
}

export interface PathsFilter {
  namespace: string | null;
  verdicts: readonly Verdict[];
}

/** GET /api/v1/paths's answer for this inventory (lib/services/paths.ts pathsFor, without what-ifs). */
export function pathsResponse(inventory: ClusterInventory, all: ModelPath[], filter: PathsFilter): PathsResponse {
  const wanted = new Set(filter.verdicts);
  const paths = filterPaths(all, { namespace: filter.namespace, kind: null, verdict: null, query: '' }).filter((p) => wanted.size === 0 || wanted.has(p.verdict));
  return { source: inventory.source, paths, total: all.length, whatIf: [], errors: inventory.errors };
}

export async function pathsOf(source: ClusterSourceArgs, io?: CliIo): Promise<{ inventory: ClusterInventory; paths: ModelPath[] }> {
  const inventory = await inventoryOf(source, io);
  return { inventory, paths: buildPaths(inventory) };
}
