// From probe evidence to an observed verdict per path, compared with the model's prediction. Pure functions.
import type {
  AddressRole,
  ClientAddressVia,
  ClusterInventory,
  EchoObservation,
  Finding,
  NetPath,
  ObservedHop,
  PathTrace,
  ProbeResult,
  ServiceInfo,
  Verdict,
} from '@/lib/types';
import { splitXForwardedFor } from '@/lib/echo/forwarded';
import { isInfrastructure } from '@/lib/model/flow';
import { predictedObservation } from '@/lib/model/observation';
import type { ModelPath } from '@/lib/model/types';
import { announcerWithoutEndpoint } from '@/lib/model/findings/observed';
import { verdictOfBelief, worseVerdict } from '@/lib/model/verdict';
import { cidrContains } from '@/lib/net/cidr';
import { parseHealthCheck } from './health';
import { EGRESS_NOT_PROBED, entryService } from './scope';

export interface ObserveContext {
  inventory: ClusterInventory;
  /** The prober's own source addresses (from its sockets): whoever sees one of them sees "the client". */
  proberAddresses: ReadonlySet<string>;
  spoofAddress: string;
  /** The prober runs as a pod (or on a node) of the cluster, so kube-proxy treats it as in-cluster traffic. */
  proberInCluster: boolean;
}

/** A PathTrace plus what the probes found that the model's findings could not know. */
export interface ObservedPathTrace extends PathTrace {
  findings: Finding[];
}

/** Who an observed address belongs to, in the model's vocabulary (AddressRole). */
export function classifyAddress(address: string | null, ctx: ObserveContext): AddressRole {
  if (!address) return 'none';
  const { inventory } = ctx;
  if (address === ctx.spoofAddress) return 'attacker';
  if (ctx.proberAddresses.has(address)) return 'client';
  if (inventory.nodes.some((n) => n.internalIP === address || n.externalIP === address)) return 'node';
  if (inventory.services.some((s) => s.loadBalancerIPs.includes(address))) return 'loadBalancer';
  const pod = inventory.pods.find((p) => p.ip === address);
  if (pod?.roles.includes('ingress-controller')) return 'ingressController';
  if (pod?.roles.includes('svclb')) return 'svclb';
  if (pod || inventory.services.some((s) => s.endpoints.some((e) => e.ip === address))) return 'pod';
  if (inventory.nodes.some((n) => n.podCIDRs.some((cidr) => cidrContains(cidr, address)))) return 'pod';
  // Not the prober and no cluster object has it: an address between client and cluster, i.e. a proxying LB's
  // member port (docs/domain.md#s7: "source is LB member-port IP").
  return 'loadBalancer';
}

export interface AppClient {
  role: AddressRole;
  via: ClientAddressVia;
  value: string | null;
}

/**
 * What an application that is not a proxy takes as the client, the same rule as the model's appBelief
 * (docs/domain.md#s9): the TCP source unless the peer is infrastructure; then a PROXY header, X-Real-IP, or the right-most
 * non-infrastructure X-Forwarded-For entry. Headers count only when infrastructure wrote them: with `honest`
 * (the same request without forged headers) given, a header absent there was copied from the client.
 */
export function appClientOf(observation: EchoObservation, ctx: ObserveContext, honest: EchoObservation | null = null): AppClient {
  const role = (address: string | null) => classifyAddress(address, ctx);
  const peerRole = role(observation.peer);
  if (!isInfrastructure(peerRole)) return { role: peerRole, via: 'source', value: observation.peer };
  const src = observation.proxyProtocol?.src ?? null;
  if (src) return { role: role(src), via: 'proxy-protocol', value: src };
  const realIpVouched = honest === null || honest.xRealIp !== null;
  if (observation.xRealIp && realIpVouched && !isInfrastructure(role(observation.xRealIp))) {
    return { role: role(observation.xRealIp), via: 'x-real-ip', value: observation.xRealIp };
  }
  const xffVouched = honest === null || honest.xForwardedFor.length > 0;
  if (xffVouched) {
    // Entries may carry ports ("192.0.2.1:4711") or garbage (docs/domain.md#s9); garbage is classified as written.
    const addresses = splitXForwardedFor(observation.xForwardedFor).map((entry) => entry.address ?? entry.raw);
    const rightmost = addresses.reverse().find((a) => !isInfrastructure(role(a)));
    if (rightmost) return { role: role(rightmost), via: 'x-forwarded-for', value: rightmost };
  }
  return { role: peerRole, via: 'none', value: observation.peer };
}

/**
 * When a path ends at an ingress controller (its own Service), the echo behind it reports the controller's belief:
 * ingress-nginx sends `X-Real-IP $remote_addr` upstream (docs/domain.md#s6.1). The echo cannot see how the controller
 * learnt it (its TCP peer or a header), so the mechanism is the predicted one when the belief agrees.
 */
export function controllerBeliefOf(observation: EchoObservation, ctx: ObserveContext, predicted: { believedRole: AddressRole; via: ClientAddressVia }): AppClient {
  const value = observation.xRealIp;
  const role = classifyAddress(value, ctx);
  return { role, via: role === predicted.believedRole ? predicted.via : 'x-real-ip', value };
}

/** A failed probe in verdict terms: a drop or refusal is no way through; anything else is a broken exchange. */
export function verdictOfFailure(outcome: ProbeResult['outcome']): Verdict {
  return outcome === 'timeout' || outcome === 'refused' ? 'unreachable' : 'broken';
}

/** kube-proxy intercepts in-cluster traffic to an LB address with ipMode VIP or unset (docs/domain.md#s2.6). */
export function isShortCircuited(path: NetPath, service: ServiceInfo | null, ctx: ObserveContext): boolean {
  if (!ctx.proberInCluster || path.entry.kind !== 'loadBalancer' || !service || !path.entry.address) return false;
  const ingress = service.loadBalancerIngress.find((i) => i.ip === path.entry.address);
  return ingress !== undefined && ingress.ipMode !== 'Proxy';
}

/** The nodes an outside client's packets reach first for an LB address: MetalLB / ServiceLB announcers. */
function announcingNodes(service: ServiceInfo): string[] {
  return [...new Set([service.announcingNode, ...service.announcingNodes].filter((n): n is string => Boolean(n)))];
}

/** The finding when every node announcing a Local LB address answered its health check with 503. */
function announcerFinding(service: ServiceInfo, healthByNode: Map<string, boolean>): Finding | null {
  if (service.externalTrafficPolicy !== 'Local') return null;
  const announcers = announcingNodes(service);
  if (announcers.length === 0 || !announcers.every((n) => healthByNode.get(n) === false)) return null;
  return announcerWithoutEndpoint(service, announcers);
}

/** A path hopscope sent no probe on (or none it would send): still predicted, nothing observed, and why. */
export function notProbedTrace(path: NetPath, reason: string, probes: ProbeResult[] = []): ObservedPathTrace {
  return {
    pathId: path.id,
    probes,
    observed: [],
    observedVerdict: null,
    matchesPrediction: false,
    differences: [reason],
    inClusterNote: path.inClusterNote ?? null,
    notProbed: reason,
    findings: [],
  };
}

export function tracePath(path: NetPath, probes: ProbeResult[], ctx: ObserveContext): ObservedPathTrace {
  if (path.entry.kind === 'egress') return notProbedTrace(path, EGRESS_NOT_PROBED, probes);
  const service = entryService(ctx.inventory, path);
  const direct = probes.filter((p) => p.kind === 'direct');
  const honest = direct.filter((p) => p.outcome === 'ok' && p.observation);
  const spoof = probes.find((p) => p.kind === 'spoof' && p.outcome === 'ok' && p.observation);
  const healthByNode = new Map<string, boolean>();
  for (const p of probes.filter((p) => p.kind === 'health-check')) {
    const node = ctx.inventory.nodes.find((n) => n.internalIP === p.target.address)?.name;
    if (node) healthByNode.set(node, p.status !== null && parseHealthCheck(p.status, p.raw ?? '').acceptsTraffic);
  }
  const shortCircuited = isShortCircuited(path, service, ctx);
  const findings: Finding[] = [];
  const finding = shortCircuited && service ? announcerFinding(service, healthByNode) : null;
  if (finding) findings.push(finding);

  const expected = predictedObservation(path).final;
  const endsAtController = expected?.kind === 'ingressController';
  const clientOf = (observation: EchoObservation, honestTwin: EchoObservation | null) =>
    endsAtController && expected ? controllerBeliefOf(observation, ctx, expected) : appClientOf(observation, ctx, honestTwin);

  let observedVerdict: Verdict | null = null;
  let appClient: AppClient | null = null;
  if (finding) {
    observedVerdict = 'unreachable';
  } else if (honest.length > 0) {
    const clients = honest.map((p) => clientOf(p.observation!, null));
    appClient = clients[0]!;
    observedVerdict = clients.map((c) => verdictOfBelief(c.role, c.via)).reduce(worseVerdict);
    const honestTwin = honest.find((p) => p.target.address === spoof?.target.address && p.target.port === spoof?.target.port);
    if (spoof && clientOf(spoof.observation!, honestTwin?.observation ?? null).role === 'attacker') {
      observedVerdict = 'spoofable';
    }
  } else if (direct.length > 0) {
    observedVerdict = direct.map((p) => verdictOfFailure(p.outcome)).reduce(worseVerdict);
  }

  // The last hop's report checks its prediction: the echo's TCP peer, or for a controller the client it believes.
  const observed: ObservedHop[] = [];
  const sample = honest[0]?.observation;
  if (expected?.reached && sample && appClient && !finding) {
    const seen = endsAtController ? appClient.value : sample.peer;
    const role = classifyAddress(seen, ctx);
    const matches = role === (endsAtController ? expected.believedRole : expected.peerRole);
    observed.push({ hopId: expected.hopId, observedPeer: seen, observedPeerRole: role, via: appClient.via, matches });
  }

  const modelPath = path as Partial<ModelPath>;
  // When kube-proxy short-circuits the prober and no health check tells the outside story, the prober can only
  // check what an in-cluster client sees.
  const predicted = shortCircuited && !finding ? (modelPath.inClusterVerdict ?? path.verdict) : path.verdict;
  const differences: string[] = [];
  if (observedVerdict === null) differences.push('no probe of this path reached an echo server');
  else if (observedVerdict !== predicted) differences.push(`verdict: predicted ${predicted}, observed ${observedVerdict}`);
  for (const o of observed.filter((o) => !o.matches)) {
    const predictedRole = endsAtController ? expected?.believedRole : expected?.peerRole;
    differences.push(`${o.hopId}: predicted ${endsAtController ? 'client' : 'peer'} ${predictedRole ?? '?'}, observed ${o.observedPeer} (${o.observedPeerRole})`);
  }

  const notes = [path.inClusterNote ?? null];
  if (shortCircuited) {
    notes.push(
      `hopscope runs in the cluster: kube-proxy sent its request for ${path.entry.address} straight to the endpoints (ipMode VIP), so it never passed the load balancer${finding ? '; the healthCheckNodePort answers of the announcing node tell what outside clients get' : ''}.`,
    );
  }
  const inClusterNote = notes.filter(Boolean).join(' ') || null;
  return {
    pathId: path.id,
    probes,
    observed,
    observedVerdict,
    matchesPrediction: observedVerdict !== null && differences.length === 0,
    differences,
    inClusterNote,
    findings,
  };
}

/** Marks failures the model predicted (a Local node without endpoints drops, docs/domain.md#s2.5) as expected. */
export function markExpected(probe: ProbeResult, path: NetPath, ctx: ObserveContext): ProbeResult {
  if (probe.outcome === 'ok' || probe.kind === 'health-check') return probe;
  const service = entryService(ctx.inventory, path);
  const node = ctx.inventory.nodes.find((n) => n.internalIP === probe.target.address);
  const dropsHere =
    probe.outcome === 'timeout' &&
    service?.externalTrafficPolicy === 'Local' &&
    node !== undefined &&
    !service.endpoints.some((e) => e.ready && e.nodeName === node.name);
  const pathFails = path.verdict === 'unreachable' || path.verdict === 'broken';
  return { ...probe, expected: dropsHere || pathFails };
}
