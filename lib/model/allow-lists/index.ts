// Every allow-list on a path, judged by the address its hop sees (docs/domain.md#s10). One file per kind of list;
// findings/allow-lists.ts turns the checks into findings.
import type { PathPlan, Run } from '../plan';
import { ingressNginxChecks } from './ingress-nginx';
import { loadBalancerSourceRangesCheck } from './load-balancer-source-ranges';
import { networkPolicyChecks } from './network-policy';
import type { AllowListCheck } from './verdict';

// Another kind of list (Traefik ipAllowList, …) adds one file that finds its list and the stage that checks it, and
// judges it with judgeList.
export { type AddressList, type AllowListCheck, judgeList, listContains } from './verdict';
export type { PodAtStage } from './network-policy';

export function allowListChecks(plan: PathPlan, honest: Run): AllowListCheck[] {
  const lb = loadBalancerSourceRangesCheck(plan, honest);
  return [...(lb ? [lb] : []), ...ingressNginxChecks(plan, honest), ...networkPolicyChecks(plan, honest)];
}
