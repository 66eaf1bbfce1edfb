// Holds one vantage's trace to what the lab's packets did (e2e/lab/truth.ts): per path the probe's outcome, what
// the echo saw, the observed client address on the last hop, the observed verdict, the prediction it was compared
// with, and no "differs" where packets and the right prediction agree. Returns every problem at once, so one
// failing run names all of them.
import type { PathTrace, TraceRun, VantageKind } from '@/lib/types';
import { LAB_PATHS, rowFor, truthOf, type LabPath } from './truth';
import type { PredictionVantage } from '@/lib/types';

const PREDICTION_OF: Record<VantageKind, PredictionVantage> = { 'in-cluster': 'in-cluster', browser: 'outside', agent: 'outside' };

export interface TruthProblem {
  path: string;
  problem: string;
}

/**
 * `cannotSend`: rows this vantage has no way to send (a browser and a host its DNS puts elsewhere): they must come back
 * "not reachable from here" (or not planned) with no observed verdict, never as a verdict.
 */
export function problemsAgainstTruth(trace: TraceRun, kind: VantageKind, cannotSend: (row: LabPath) => boolean = () => false): TruthProblem[] {
  const vantage = PREDICTION_OF[kind];
  const problems: TruthProblem[] = [];
  const say = (path: string, problem: string) => problems.push({ path, problem });
  if (trace.simulated) say('(trace)', 'simulated: no packet was sent');
  if (trace.vantage?.kind !== kind) say('(trace)', `vantage ${trace.vantage?.kind ?? 'missing'}, expected ${kind}`);

  for (const row of LAB_PATHS) {
    const truth = truthOf(row, vantage);
    const traced: PathTrace | undefined = rowFor(row, trace.paths);
    if (!truth) {
      // ClusterIP from outside: the vantage is not asked to probe it.
      if (traced && traced.probes.length > 0) say(row.id, `probed from ${kind}, which has no route to a ClusterIP`);
      continue;
    }
    if (!traced) {
      if (!cannotSend(row)) say(row.id, 'not in the trace');
      continue;
    }
    const id = traced.pathId;
    if (row.notProbeTarget) {
      if (!traced.notProbed || traced.probes.some((p) => p.kind !== 'health-check')) say(id, 'probed, although it ends at an application that is not a probe target');
      continue;
    }
    if (cannotSend(row)) {
      if (traced.observedVerdict !== null) say(id, `observed verdict ${traced.observedVerdict} from a request ${kind} cannot make`);
      if (!traced.notReachable && !traced.notProbed) say(id, `not marked "not reachable from here" although ${kind} cannot send it`);
      continue;
    }
    if (traced.vantage !== kind) say(id, `path vantage ${traced.vantage ?? 'missing'}, expected ${kind}`);
    const direct = traced.probes.filter((p) => p.kind === 'direct');
    const spoof = traced.probes.filter((p) => p.kind === 'spoof');
    if (direct.length === 0) say(id, `no direct probe (${traced.notProbed ?? traced.notReachable ?? 'no reason given'})`);
    for (const probe of [...direct, ...spoof]) {
      if (probe.vantage !== undefined && probe.vantage !== kind) say(id, `probe ${probe.id} from ${probe.vantage}`);
      // The Ingress host on every probe that nginx routes by host, also on the controller's own Service.
      if (row.request.host && probe.target.host !== row.request.host) say(id, `probe ${probe.kind} sent Host ${probe.target.host ?? 'none'}, expected ${row.request.host}`);
      const at = (t: { address: string; port: number } | undefined) => t?.address === probe.target.address && t.port === probe.target.port;
      if (!at(row.request) && !at(row.endpoint)) {
        say(id, `probe ${probe.kind} went to ${probe.target.address}:${probe.target.port}, expected ${row.request.address}:${row.request.port}`);
      }
      // A PROXY line the prober writes itself could only show what nginx does with hopscope's bytes.
      if (kind === 'in-cluster' && probe.target.proxyProtocol) say(id, `in-cluster probe wrote its own PROXY ${probe.target.proxyProtocol} line`);
    }
    for (const probe of direct) {
      if (probe.outcome !== truth.outcome) say(id, `direct probe: outcome ${probe.outcome} (${probe.error ?? probe.status ?? ''}), packets: ${truth.outcome}`);
      // A browser cannot read the status of an answer without CORS (browser-probe.ts OPAQUE_ANSWER): only that one came.
      const hidden = kind === 'browser' && probe.outcome === 'http-error' && probe.status === null;
      if (truth.status !== null && probe.status !== truth.status && !hidden) say(id, `direct probe: status ${probe.status}, packets: ${truth.status}`);
      if (truth.outcome === 'ok') {
        const seen = { peer: probe.observation?.peer ?? null, xRealIp: probe.observation?.xRealIp ?? null };
        if (seen.peer !== truth.peer || seen.xRealIp !== truth.xRealIp) {
          say(id, `echo saw peer ${seen.peer} X-Real-IP ${seen.xRealIp}, packets: peer ${truth.peer} X-Real-IP ${truth.xRealIp}`);
        }
      }
    }
    if (truth.spoofedXRealIp !== undefined) {
      const answered = spoof.filter((p) => p.outcome === 'ok');
      if (truth.verdict === 'spoofable' && answered.length === 0) say(id, 'no answered spoof probe, so nothing can show the forgery is believed');
      for (const p of answered) {
        if ((p.observation?.xRealIp ?? null) !== truth.spoofedXRealIp) say(id, `spoof probe: X-Real-IP ${p.observation?.xRealIp}, packets: ${truth.spoofedXRealIp}`);
      }
    }
    if (truth.outcome === 'ok') {
      // The last hop's observed client: the echo's TCP peer, or for a controller the client nginx believes.
      const expected = row.endsAt === 'controller' ? truth.xRealIp : truth.peer;
      const last = traced.observed.at(-1);
      if (!last) say(id, `no observed hop; the last hop saw ${expected}`);
      else if (last.observedPeer !== expected) say(id, `observed hop ${last.hopId}: ${last.observedPeer}, packets: ${expected}`);
      else if (!last.matches) say(id, `observed hop ${last.hopId} marked as differing although it saw ${expected}`);
    }
    if (traced.observedVerdict !== truth.verdict) say(id, `observed verdict ${traced.observedVerdict}, packets: ${truth.verdict}`);
    if (traced.predicted?.vantage !== vantage) say(id, `compared with the ${traced.predicted?.vantage ?? 'missing'} prediction, expected ${vantage}`);
    if (traced.predicted && traced.predicted.verdict !== truth.verdict) say(id, `predicted for ${vantage}: ${traced.predicted.verdict}, packets: ${truth.verdict}`);
    if (traced.predicted && traced.predicted.expectedOutcome !== truth.outcome) say(id, `predicted outcome for ${vantage}: ${traced.predicted.expectedOutcome}, packets: ${truth.outcome}`);
    const agrees = traced.predicted?.verdict === truth.verdict && traced.observedVerdict === truth.verdict;
    if (agrees && (traced.differences.length > 0 || !traced.matchesPrediction)) say(id, `false "differs": ${traced.differences.join('; ')}`);
    // A real difference between prediction and packets must be shown, never hidden.
    if (traced.predicted && traced.observedVerdict !== null && traced.predicted.verdict !== traced.observedVerdict && (traced.differences.length === 0 || traced.matchesPrediction)) {
      say(id, `prediction ${traced.predicted.verdict} and observation ${traced.observedVerdict} differ, but the trace says it matches`);
    }
  }
  return problems;
}
