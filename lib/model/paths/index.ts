// buildPaths: every way into the cluster as a chain of hops, with what each hop sees of the client, the verdict
// and the findings. Pure: plain inventory in, plain paths out. Path ids come from entry kind + object + address
// (+ receiving node), never from list order, and the result is sorted by id.
import type { ClusterInventory } from '@/lib/types';
import type { ModelPath, WhatIf } from '../types';
import { ANY_POD, inClusterSourceOf, type Prober } from '../vantage';
import { applyWhatIf } from '../whatif';
import { evaluate } from './evaluate';
import { modelOf } from './model';
import { ingressRoutePlans } from './ingress-routes';
import { egressPlans, hostPlans, ingressPlans, servicePlans } from './plans';

export { PER_NODE_PATH_LIMIT } from './ways-in';

export interface BuildOptions {
  /**
   * The in-cluster prober each path's `inCluster` prediction is for (the dashboard's own pod, when it knows where it
   * runs); by default a pod on a node with no special relation to the path.
   */
  prober?: Prober;
}

/** Every way into the cluster, with each setting in `whatIf` flipped first (whatif.ts). Sorted by path id. */
export function buildPaths(inventory: ClusterInventory, whatIf: readonly WhatIf[] = [], options: BuildOptions = {}): ModelPath[] {
  const m = modelOf(applyWhatIf(inventory, whatIf));
  const prober = inClusterSourceOf(m, options.prober ?? ANY_POD);
  const plans = [...servicePlans(m), ...ingressPlans(m), ...ingressRoutePlans(m), ...hostPlans(m), ...egressPlans(m)];
  return plans.map((p) => evaluate(p, prober)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
