// buildPaths: every way into the cluster as a chain of hops, with what each hop sees of the client, the verdict
// and the findings. Pure: plain inventory in, plain paths out. Path ids come from entry kind + object + address
// (+ receiving node), never from list order, and the result is sorted by id.
import type { ClusterInventory } from '@/lib/types';
import type { ModelPath, WhatIf } from '../types';
import { applyWhatIf } from '../whatif';
import { evaluate } from './evaluate';
import { modelOf } from './model';
import { egressPlans, hostPlans, ingressPlans, servicePlans } from './plans';

export { PER_NODE_PATH_LIMIT } from './ways-in';

/** Every way into the cluster, with each setting in `whatIf` flipped first (whatif.ts). Sorted by path id. */
export function buildPaths(inventory: ClusterInventory, whatIf: readonly WhatIf[] = []): ModelPath[] {
  const m = modelOf(applyWhatIf(inventory, whatIf));
  const plans = [...servicePlans(m), ...ingressPlans(m), ...hostPlans(m), ...egressPlans(m)];
  return plans.map(evaluate).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
