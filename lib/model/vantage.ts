// What a probe is predicted to find from each vantage (docs/vantages.md). An outside client (a browser, the CLI
// agent) meets the path as buildPaths models it; a pod of the cluster meets kube-proxy's rules on its own node first
// (paths/in-cluster.ts), so its prediction is computed per prober: the node it runs on and its own address.
import { cidrContains } from '@/lib/net/cidr';
import type { ClusterInventory, NetPath, VantagePrediction } from '@/lib/types';
import { address, clientRequest } from './flow';
import { type InClusterSource, isPodTraffic } from './kubeproxy';
import { predictedObservation } from './observation';
import { type PathPlan, type Run, forgedRun, lastArrival, pathVerdict, runStages } from './plan';
import { type Model, modelOf } from './paths/model';
import { egressPlans, hostPlans, ingressPlans, servicePlans } from './paths/plans';
import type { WhatIf } from './types';
import { applyWhatIf } from './whatif';

/** An in-cluster prober: the node it runs on and its own address, each null when unknown. */
export interface Prober {
  node: string | null;
  address: string | null;
}

/** A pod of the cluster on a node with no special relation to the path (paths/in-cluster.ts says what that means). */
export const ANY_POD: Prober = { node: null, address: null };

/**
 * The node an address of the cluster runs on: a pod's node, the node that has it (a prober in the host network), or
 * the node whose pod CIDR holds it. Null when no cluster object places it.
 */
export function nodeOfAddress(inventory: ClusterInventory, ip: string | null): string | null {
  if (!ip) return null;
  const pod = inventory.pods.find((p) => p.ip === ip && !p.hostNetwork && p.nodeName);
  if (pod) return pod.nodeName;
  const node = inventory.nodes.find((n) => n.internalIP === ip || n.externalIP === ip);
  if (node) return node.name;
  return inventory.nodes.find((n) => n.podCIDRs.some((cidr) => cidrContains(cidr, ip)))?.name ?? null;
}

/** Whether kube-proxy sees `ip` as traffic from inside: a pod's, a node's, or one of the pod ranges'. */
export function isClusterAddress(inventory: ClusterInventory, ip: string): boolean {
  return nodeOfAddress(inventory, ip) !== null || isPodTraffic(inventory.kubeProxy.clusterCIDR, ip);
}

/** The prober as the in-cluster ways need it (kubeproxy.ts InClusterSource). */
export function inClusterSourceOf(m: Model, prober: Prober): InClusterSource {
  const ip = prober.address;
  const own = ip ? m.nodes.find((n) => n.internalIP === ip || n.externalIP === ip) : undefined;
  const node = (prober.node ? m.nodeByName.get(prober.node) : undefined) ?? own ?? null;
  const hostNetwork = own !== undefined;
  return {
    self: address('client', ip),
    node,
    hostNetwork,
    podTraffic: !hostNetwork && isPodTraffic(m.inventory.kubeProxy.clusterCIDR, ip),
    cni: m.inventory.cni,
  };
}

/** What a pod of the cluster finds at the end of `plan`: kube-proxy's and the CNI's rules for `from`, then the tail. */
export function inClusterPrediction(plan: PathPlan, from: InClusterSource): VantagePrediction | null {
  if (!plan.inCluster) return null;
  const way = plan.inCluster(from);
  const honest = runStages(way.stages, clientRequest('honest'));
  const notes = [way.note];
  const failure = honest.failure?.failure ?? null;
  if (failure?.kind === 'proxy-protocol-not-sent' && way.shortCircuit) notes.push('PROXY-expecting controllers will reject pods that call it.');
  const last = failure ? null : lastArrival(honest);
  return {
    vantage: 'in-cluster',
    verdict: pathVerdict(honest, plan.spoofCheck ? forgedRun(way.stages) : null),
    expectedOutcome: failure?.outcome ?? 'ok',
    peerRole: last?.peer.role ?? 'none',
    believedRole: last?.believed.role ?? 'none',
    via: last?.via ?? 'none',
    note: notes.filter(Boolean).join(' ') || null,
  };
}

/**
 * The in-cluster prediction of any path of `inventory`, for any prober: the plans are built once, each prediction
 * on demand. A trace uses it to predict for its own prober; an id the model does not know gives null.
 */
export function inClusterPredictor(inventory: ClusterInventory, whatIf: readonly WhatIf[] = []): (pathId: string, prober: Prober) => VantagePrediction | null {
  const m = modelOf(applyWhatIf(inventory, whatIf));
  let plans: Map<string, PathPlan> | null = null;
  return (pathId, prober) => {
    plans ??= new Map([...servicePlans(m), ...ingressPlans(m), ...hostPlans(m), ...egressPlans(m)].map((p) => [p.id, p]));
    const plan = plans.get(pathId);
    return plan ? inClusterPrediction(plan, inClusterSourceOf(m, prober)) : null;
  };
}

/** What a pod of the cluster, `prober`, finds on `path`. */
export function predictInCluster(inventory: ClusterInventory, path: Pick<NetPath, 'id'>, prober: Prober): VantagePrediction | null {
  return inClusterPredictor(inventory)(path.id, prober);
}

/**
 * The prediction for a client outside the cluster (a browser, the agent): the path's own verdict and last hop. A path
 * from before expectedOutcome existed fails the usual way for its verdict: a drop, or a broken HTTP exchange.
 */
export function outsidePrediction(path: NetPath): VantagePrediction {
  const final = predictedObservation(path).final;
  const failing = path.verdict === 'unreachable' ? 'timeout' : path.verdict === 'broken' ? 'http-error' : 'ok';
  return {
    vantage: 'outside',
    verdict: path.verdict,
    expectedOutcome: path.expectedOutcome ?? failing,
    peerRole: final?.peerRole ?? 'none',
    believedRole: final?.believedRole ?? 'none',
    via: final?.via ?? 'none',
    note: null,
  };
}
