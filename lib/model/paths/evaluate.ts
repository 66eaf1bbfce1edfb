// Evaluation: a plan run once by an honest and once by a forging client, turned into the public path with its
// hops, verdict and findings, and what a pod of the cluster finds on it.
import { diagnose } from '../findings';
import { clientRequest } from '../flow';
import type { InClusterSource } from '../kubeproxy';
import { type PathPlan, forgedRun, pathVerdict, runStages, toHop } from '../plan';
import type { ModelPath } from '../types';
import { inClusterPrediction } from '../vantage';

export function evaluate(p: PathPlan, prober: InClusterSource): ModelPath {
  const honest = runStages(p.stages, clientRequest('honest'));
  const forged = p.spoofCheck ? forgedRun(p.stages) : null;
  const verdict = pathVerdict(honest, forged);
  const hops = p.stages.map((stage, i) => toHop(stage, honest.arrivals[i] ?? null, forged?.arrivals[i] ?? null, honest.results[i] ?? null));
  const last = honest.failure ? null : (honest.arrivals.at(-1) ?? null);
  return {
    id: p.id,
    entry: p.entry,
    hops,
    verdict,
    findings: diagnose(p, honest, forged, verdict),
    appClient: last
      ? { via: last.via, role: last.believed.role, value: hops.at(-1)?.believedClient ?? null }
      : { via: 'none', role: 'none', value: null },
    expectedOutcome: honest.failure?.failure.outcome ?? 'ok',
    inCluster: inClusterPrediction(p, prober),
  };
}
