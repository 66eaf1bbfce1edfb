// Egress, observed: the in-cluster prober connects out to the echo servers its operator lists in HOPSCOPE_EGRESS_ECHO
// (lib/config.ts), and what they saw of it is the address a pod's traffic leaves the cluster with. Only the
// cluster-wide egress path is probed this way: its source is "any pod", which the prober is; a path of one pod with
// its own egress proxy can only be probed from that pod. No request can add a target: the list is the deployment's.
import type { EgressEcho } from '@/lib/config';
import { PROBE_PATH } from '@/lib/echo/reply';
import { formatSocketAddress } from '@/lib/echo/report';
import { verdictOfBelief, worseVerdict } from '@/lib/model/verdict';
import type { NetPath, ObservedHop, ProbeResult, ProbeTarget } from '@/lib/types';
import { appClientOf, classifyAddress, type ObservedPathTrace, type ObserveContext } from './observe';
import type { PlannedProbe } from './plan';
import { isEgressProbed } from './scope';
import { requestRefusal } from './wire';


const hostPort = (echo: EgressEcho) => formatSocketAddress({ address: echo.host, port: echo.port });

const echoTarget = (echo: EgressEcho): ProbeTarget => ({ address: echo.host, port: echo.port, label: `egress echo ${hostPort(echo)} (HOPSCOPE_EGRESS_ECHO)` });

/** One direct probe of each egress echo for the egress path among `paths`; none without echoes. */
export function planEgressProbes(paths: NetPath[], echoes: readonly EgressEcho[]): PlannedProbe[] {
  return paths
    .filter((p) => isEgressProbed(p, echoes))
    .flatMap((path) =>
      echoes.map((echo): PlannedProbe => {
        const target = echoTarget(echo);
        return {
          id: `${path.id}#direct#${hostPort(echo)}`,
          pathId: path.id,
          kind: 'direct',
          target,
          httpPath: PROBE_PATH,
          forgedHeaders: [],
          nodeName: null,
          refusal: requestRefusal({ target, httpPath: PROBE_PATH, headers: [] }),
        };
      }),
    );
}

/**
 * The egress path compared with what the echoes outside saw, against the prediction for the prober's vantage (a pod
 * of the cluster: ctx.predictionOf). The observed client is what the outside host learns (the same rule as for an
 * application, appClientOf); its TCP peer is checked against the predicted one. An echo that did not answer says
 * nothing about the cluster (it may be down, or the way to it closed): "not reachable from here", never a verdict.
 */
export function traceEgressPath(path: NetPath, probes: ProbeResult[], ctx: ObserveContext): ObservedPathTrace {
  const predicted = ctx.predictionOf(path);
  const answered = probes.filter((p) => p.kind === 'direct' && p.outcome === 'ok' && p.observation);
  const base = { pathId: path.id, probes, vantage: ctx.vantage, predicted, findings: [] };
  if (answered.length === 0) {
    const failures = probes.map((p) => `${p.target.label}: ${p.error ?? p.outcome}`).join('; ');
    return { ...base, observed: [], observedVerdict: null, matchesPrediction: false, differences: [], notReachable: `no egress echo answered: ${failures || 'none was probed'}` };
  }
  const expected = { peer: predicted.peerRole, believed: predicted.believedRole };
  const seen = answered.map((p) => {
    const peer = p.observation!.peer;
    return { probe: p, client: appClientOf(p.observation!, ctx, null, expected), peer, peerRole: classifyAddress(peer, ctx, expected.peer) };
  });
  const observedVerdict = seen.map((s) => verdictOfBelief(s.client.role, s.client.via)).reduce(worseVerdict);
  const differences: string[] = [];
  if (observedVerdict !== predicted.verdict) differences.push(`verdict: predicted ${predicted.verdict}, observed ${observedVerdict}`);
  for (const s of seen.filter((s) => s.peerRole !== expected.peer)) {
    differences.push(`${s.probe.target.label}: predicted peer ${expected.peer}, observed ${s.peer} (${s.peerRole})`);
  }
  const first = seen[0]!;
  const lastHop = path.hops.at(-1);
  const observed: ObservedHop[] = lastHop
    ? [{ hopId: lastHop.id, observedPeer: first.peer, observedPeerRole: first.peerRole, via: first.client.via, matches: first.peerRole === expected.peer }]
    : [];
  return { ...base, observed, observedVerdict, matchesPrediction: differences.length === 0, differences };
}
