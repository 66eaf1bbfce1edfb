// From probe evidence to an observed verdict per path, compared with the prediction for the vantage the probes came
// from (docs/vantages.md): a pod of the cluster is held to the in-cluster prediction, a browser or the agent to the
// outside one. Pure functions.
import type {
  AddressRole,
  ClientAddressVia,
  ClusterInventory,
  EchoObservation,
  Finding,
  NetPath,
  ObservedHop,
  PathTrace,
  ProbeOutcome,
  ProbeResult,
  ServiceInfo,
  Vantage,
  VantageKind,
  VantagePrediction,
  Verdict,
} from '@/lib/types';
import { splitXForwardedFor } from '@/lib/echo/forwarded';
import { isInfrastructure } from '@/lib/model/flow';
import { announcerWithoutEndpoint } from '@/lib/model/findings/observed';
import { verdictOfBelief, worseVerdict } from '@/lib/model/verdict';
import { inClusterPredictor, outsidePrediction } from '@/lib/model/vantage';
import { cidrContains, firstHostAddress, networkAddress } from '@/lib/net/cidr';
import { parseHealthCheck } from './health';
import { EGRESS_NOT_PROBED, entryService } from './scope';

export interface ObserveContext {
  inventory: ClusterInventory;
  /** The prober's own addresses (its sockets' local addresses, an agent's reports): whoever sees one sees "the client". */
  proberAddresses: ReadonlySet<string>;
  spoofAddress: string;
  /** Who sent the probes. */
  vantage: VantageKind;
  /** The prediction for this vantage that each path's observation is compared with (engine.ts predictionsFor). */
  predictionOf: (path: NetPath) => VantagePrediction;
}

/**
 * The context a vantage's observations are read in: an in-cluster prober is held to the in-cluster prediction for
 * its own node and address (recomputed from the inventory; a path the model did not build keeps its own `inCluster`,
 * else the outside one), a browser or the agent to the outside prediction. A prober in the host network is its node:
 * the node's addresses, its pod bridge's included, are its own (docs/domain.md#s2.9).
 */
export function observeContext(input: {
  inventory: ClusterInventory;
  vantage: Pick<Vantage, 'kind' | 'node' | 'address'>;
  proberAddresses?: Iterable<string>;
  spoofAddress: string;
}): ObserveContext {
  const { inventory, vantage } = input;
  const own = new Set([...(input.proberAddresses ?? []), ...(vantage.address ? [vantage.address] : [])]);
  for (const node of inventory.nodes.filter((n) => [n.internalIP, n.externalIP].some((a) => a !== null && own.has(a)))) {
    for (const a of [node.internalIP, node.externalIP, ...node.podCIDRs.flatMap((c) => [firstHostAddress(c), networkAddress(c)])]) if (a) own.add(a);
  }
  if (vantage.kind !== 'in-cluster') return { inventory, proberAddresses: own, spoofAddress: input.spoofAddress, vantage: vantage.kind, predictionOf: outsidePrediction };
  const predict = inClusterPredictor(inventory);
  const prober = { node: vantage.node, address: vantage.address };
  const cache = new WeakMap<NetPath, VantagePrediction>();
  const predictionOf = (path: NetPath): VantagePrediction => {
    const known = cache.get(path);
    if (known) return known;
    const prediction = predict(path.id, prober) ?? path.inCluster ?? outsidePrediction(path);
    cache.set(path, prediction);
    return prediction;
  };
  return { inventory, proberAddresses: own, spoofAddress: input.spoofAddress, vantage: 'in-cluster', predictionOf };
}

/** A PathTrace plus what the probes found that the model's findings could not know. */
export interface ObservedPathTrace extends PathTrace {
  findings: Finding[];
}

/**
 * Outcomes that say where the request was from, not what the cluster did (lib/contract/enums.ts PROBE_OUTCOMES): no
 * route, DNS, TLS, not sent. They never make a verdict.
 */
export const FROM_THE_VANTAGE: ReadonlySet<ProbeOutcome> = new Set<ProbeOutcome>(['no-route', 'dns', 'tls', 'not-sent']);

/** Roles an address outside every cluster object can have when seen from outside: the client itself or a load balancer. */
const OUTSIDE_ROLES: ReadonlySet<AddressRole> = new Set<AddressRole>(['client', 'loadBalancer']);

/** The address belongs to no cluster object (and is not the prober's own or the forged one). */
function isOutsideTheCluster(address: string, ctx: ObserveContext): boolean {
  const { inventory } = ctx;
  if (address === ctx.spoofAddress || ctx.proberAddresses.has(address)) return false;
  if (inventory.nodes.some((n) => n.internalIP === address || n.externalIP === address || n.podCIDRs.some((c) => cidrContains(c, address)))) return false;
  if (inventory.services.some((s) => s.loadBalancerIPs.includes(address) || s.endpoints.some((e) => e.ip === address))) return false;
  return !inventory.pods.some((p) => p.ip === address);
}

/**
 * Who an observed address belongs to, in the model's vocabulary (AddressRole). The first address of a node's pod CIDR
 * is that node's bridge, which a masquerade towards a pod on the same node writes (docs/domain.md#s2.9). An address no
 * cluster object has is, seen from inside, something between client and cluster: a proxying LB's member port
 * (docs/domain.md#s7: "source is LB member-port IP"). Seen from outside it may as well be the client's own public
 * address, which a browser cannot know: then `outsideAs`, the role the prediction expects, if that is one of the two.
 */
export function classifyAddress(address: string | null, ctx: ObserveContext, outsideAs: AddressRole = 'loadBalancer'): AddressRole {
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
  // flannel's VXLAN device holds the pod CIDR's network address, which no pod has (docs/domain.md#s2.12).
  if (inventory.nodes.some((n) => n.podCIDRs.some((cidr) => firstHostAddress(cidr) === address || networkAddress(cidr) === address))) return 'node';
  if (inventory.nodes.some((n) => n.podCIDRs.some((cidr) => cidrContains(cidr, address)))) return 'pod';
  return ctx.vantage !== 'in-cluster' && OUTSIDE_ROLES.has(outsideAs) ? outsideAs : 'loadBalancer';
}

export interface AppClient {
  role: AddressRole;
  via: ClientAddressVia;
  value: string | null;
}

/** The roles the prediction expects at the last hop, for addresses only the prediction can place (classifyAddress). */
export interface Expected {
  peer: AddressRole;
  believed: AddressRole;
}

const NO_EXPECTATION: Expected = { peer: 'loadBalancer', believed: 'loadBalancer' };

/**
 * What an application that is not a proxy takes as the client, the same rule as the model's appBelief
 * (docs/domain.md#s9): the TCP source unless the peer is infrastructure; then a PROXY header, X-Real-IP, or the right-most
 * non-infrastructure X-Forwarded-For entry. Headers count only when infrastructure wrote them: with `honest`
 * (the same request without forged headers) given, a header absent there was copied from the client.
 */
export function appClientOf(observation: EchoObservation, ctx: ObserveContext, honest: EchoObservation | null = null, expected: Expected = NO_EXPECTATION): AppClient {
  const role = (address: string | null) => classifyAddress(address, ctx, expected.believed);
  const peerRole = classifyAddress(observation.peer, ctx, expected.peer);
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
  const role = classifyAddress(value, ctx, predicted.believedRole);
  return { role, via: role === predicted.believedRole ? predicted.via : 'x-real-ip', value };
}

/** A failed probe in verdict terms: a drop or refusal is no way through; anything else is a broken exchange. */
export function verdictOfFailure(outcome: ProbeResult['outcome']): Verdict {
  return outcome === 'timeout' || outcome === 'refused' ? 'unreachable' : 'broken';
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
export function notProbedTrace(path: NetPath, reason: string, probes: ProbeResult[] = [], ctx: ObserveContext | null = null): ObservedPathTrace {
  return {
    pathId: path.id,
    probes,
    observed: [],
    observedVerdict: null,
    matchesPrediction: false,
    differences: [reason],
    notProbed: reason,
    ...(ctx ? { vantage: ctx.vantage, predicted: ctx.predictionOf(path) } : {}),
    findings: [],
  };
}

/**
 * A PROXY line the prober wrote itself can only show what the receiver does with hopscope's bytes, never what the
 * infrastructure does (docs/vantages.md): an echo's report of it is dropped, and a controller's belief read from it
 * is no evidence at all.
 */
function withoutOwnPreamble(probe: ProbeResult, endsAtController: boolean): ProbeResult | null {
  if (!probe.target.proxyProtocol || !probe.observation) return probe;
  if (endsAtController) return null;
  return { ...probe, observation: { ...probe.observation, proxyProtocol: null } };
}

/** The controller a controller-Service path ends at serves no Ingress, so no probe of it carried an Ingress host. */
function defaultBackendNote(path: NetPath, probes: ProbeResult[], endsAtController: boolean): string | null {
  if (!endsAtController || path.entry.kind === 'ingress') return null;
  const direct = probes.filter((p) => p.kind === 'direct');
  return direct.length > 0 && direct.every((p) => !p.target.host)
    ? "no Ingress host: these probes measure the controller's default backend (docs/lab.md#row-40), not an Ingress it serves"
    : null;
}

export function tracePath(path: NetPath, probes: ProbeResult[], ctx: ObserveContext): ObservedPathTrace {
  if (path.entry.kind === 'egress') return notProbedTrace(path, EGRESS_NOT_PROBED, probes, ctx);
  const predicted = ctx.predictionOf(path);
  const service = entryService(ctx.inventory, path);
  const lastHop = path.hops.at(-1) ?? null;
  const endsAtController = lastHop?.kind === 'ingressController';
  const expected: Expected = { peer: predicted.peerRole, believed: predicted.believedRole };
  const evidence = probes.map((p) => withoutOwnPreamble(p, endsAtController)).filter((p): p is ProbeResult => p !== null);

  const direct = evidence.filter((p) => p.kind === 'direct');
  // Failures of the vantage itself (no route, DNS, TLS, not sent) say nothing of the cluster.
  const counted = direct.filter((p) => !FROM_THE_VANTAGE.has(p.outcome));
  const honest = counted.filter((p) => p.outcome === 'ok' && p.observation);
  const spoof = evidence.find((p) => p.kind === 'spoof' && p.outcome === 'ok' && p.observation);
  const healthByNode = new Map<string, boolean>();
  for (const p of probes.filter((p) => p.kind === 'health-check')) {
    const node = ctx.inventory.nodes.find((n) => n.internalIP === p.target.address)?.name;
    if (node) healthByNode.set(node, p.status !== null && parseHealthCheck(p.status, p.raw ?? '').acceptsTraffic);
  }
  const findings: Finding[] = [];
  // The health checks tell the outside story of a Local LB address, whoever probed it.
  const finding = path.entry.kind === 'loadBalancer' && service ? announcerFinding(service, healthByNode) : null;
  if (finding) findings.push(finding);

  const clientOf = (observation: EchoObservation, honestTwin: EchoObservation | null) =>
    endsAtController ? controllerBeliefOf(observation, ctx, predicted) : appClientOf(observation, ctx, honestTwin, expected);

  const tags = { vantage: ctx.vantage, predicted };
  const notes = [defaultBackendNote(path, probes, endsAtController)];
  if (direct.length > 0 && counted.length === 0) {
    const first = direct[0]!;
    const notReachable = `not reachable from here: ${first.error ?? first.outcome}`;
    return { pathId: path.id, probes, observed: [], observedVerdict: null, matchesPrediction: false, differences: [], notReachable, ...tags, ...noteOf(notes), findings };
  }

  let observedVerdict: Verdict | null = null;
  let appClient: AppClient | null = null;
  if (honest.length > 0) {
    const clients = honest.map((p) => clientOf(p.observation!, null));
    appClient = clients[0]!;
    observedVerdict = clients.map((c) => verdictOfBelief(c.role, c.via)).reduce(worseVerdict);
    const honestTwin = honest.find((p) => p.target.address === spoof?.target.address && p.target.port === spoof?.target.port);
    if (spoof && clientOf(spoof.observation!, honestTwin?.observation ?? null).role === 'attacker') observedVerdict = 'spoofable';
  } else if (counted.length > 0) {
    observedVerdict = counted.map((p) => verdictOfFailure(p.outcome)).reduce(worseVerdict);
  }

  // The last hop's report checks its prediction: the echo's TCP peer, or for a controller the client it believes.
  const observed: ObservedHop[] = [];
  const sample = honest[0]?.observation;
  if (lastHop && sample && appClient) {
    const seen = endsAtController ? appClient.value : sample.peer;
    const want = endsAtController ? predicted.believedRole : predicted.peerRole;
    const role = classifyAddress(seen, ctx, want);
    observed.push({ hopId: lastHop.id, observedPeer: seen, observedPeerRole: role, via: appClient.via, matches: predicted.expectedOutcome === 'ok' && role === want });
    if (seen && ctx.vantage !== 'in-cluster' && isOutsideTheCluster(seen, ctx) && role === want) {
      notes.push(`${seen} belongs to no cluster object: from outside, the client's own address and a load balancer's are both unknown here, so it is taken as the ${want} the prediction expects`);
    }
  }

  const differences: string[] = [];
  if (observedVerdict === null) differences.push('no probe of this path reached an echo server');
  else if (observedVerdict !== predicted.verdict) differences.push(`verdict: predicted ${predicted.verdict}, observed ${observedVerdict}`);
  for (const o of observed.filter((o) => !o.matches && predicted.expectedOutcome === 'ok')) {
    differences.push(`${o.hopId}: predicted ${endsAtController ? 'client' : 'peer'} ${endsAtController ? predicted.believedRole : predicted.peerRole}, observed ${o.observedPeer} (${o.observedPeerRole})`);
  }
  // An answered path where some target failed: a failure the prediction for this vantage does not expect.
  if (honest.length > 0 && predicted.expectedOutcome === 'ok') {
    for (const p of counted.filter((p) => p.outcome !== 'ok' && !p.expected)) {
      differences.push(`${p.target.address}:${p.target.port}: ${p.outcome}, predicted ok`);
    }
  }

  return {
    pathId: path.id,
    probes,
    observed,
    observedVerdict,
    matchesPrediction: observedVerdict !== null && differences.length === 0,
    differences,
    ...tags,
    ...noteOf(notes),
    findings,
  };
}

const noteOf = (notes: (string | null)[]) => {
  const note = notes.filter(Boolean).join('; ');
  return note ? { note } : {};
};

/**
 * Marks failures the prediction for this vantage expects (a Local node without endpoints drops, docs/domain.md#s2.5;
 * a controller that wants PROXY closes the connection) as expected. Failures of the vantage itself are never expected.
 */
export function markExpected(probe: ProbeResult, path: NetPath, ctx: ObserveContext): ProbeResult {
  if (probe.outcome === 'ok' || probe.kind === 'health-check') return probe;
  if (FROM_THE_VANTAGE.has(probe.outcome)) return { ...probe, expected: false };
  const predicted = ctx.predictionOf(path);
  const service = entryService(ctx.inventory, path);
  const node = ctx.inventory.nodes.find((n) => n.internalIP === probe.target.address);
  const dropsHere =
    probe.outcome === 'timeout' &&
    service?.externalTrafficPolicy === 'Local' &&
    node !== undefined &&
    !service.endpoints.some((e) => e.ready && e.nodeName === node.name);
  return { ...probe, expected: dropsHere || predicted.expectedOutcome !== 'ok' };
}
