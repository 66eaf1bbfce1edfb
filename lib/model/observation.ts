// What an echo server at each hop should report, for comparing a prediction with an observation without knowing
// the client's real address: every field is a role (client, node, loadBalancer, …), plus the IP where known.
import type { AddressRole, ClientAddressVia, HopKind, NetPath, ProbeOutcome } from '@/lib/types';
import type { Arrival, ModelHop, ModelPath } from './types';

export interface HopExpectation {
  hopId: string;
  kind: HopKind;
  /** False when the request is dropped or refused before this hop. */
  reached: boolean;
  /** TCP peer of the echo: role, and the IP when the inventory knows it. */
  peerRole: AddressRole;
  peerAddress: string | null;
  /** Roles of the X-Forwarded-For entries, left to right, and of the right-most one. */
  xForwardedForRoles: AddressRole[];
  xForwardedForLastRole: AddressRole | null;
  xRealIpRole: AddressRole | null;
  /** Source address inside a PROXY v1/v2 preamble, if one arrives here. */
  proxyProtocolSrcRole: AddressRole | null;
  /** What this hop takes as the client, and from where. */
  believedRole: AddressRole;
  via: ClientAddressVia;
}

export interface PredictedObservation {
  pathId: string;
  probe: 'direct' | 'spoof';
  outcome: ProbeOutcome;
  hops: HopExpectation[];
  /** The last hop: the application (or controller / outside host) whose report decides the verdict. */
  final: HopExpectation | null;
}

function fromArrival(hop: ModelHop, a: Arrival | null): HopExpectation {
  return {
    hopId: hop.id,
    kind: hop.kind,
    reached: a !== null,
    peerRole: a?.peer.role ?? 'none',
    peerAddress: a?.peer.address ?? null,
    xForwardedForRoles: a?.xForwardedFor.map((x) => x.role) ?? [],
    xForwardedForLastRole: a?.xForwardedFor.at(-1)?.role ?? null,
    xRealIpRole: a?.xRealIp?.role ?? null,
    proxyProtocolSrcRole: a?.proxyProtocol?.src.role ?? null,
    believedRole: a?.believed.role ?? 'none',
    via: a?.via ?? 'none',
  };
}

/** A path without arrivals (an older snapshot): the public hop fields, with headers unknown. */
function fromPublicHop(hop: NetPath['hops'][number]): HopExpectation {
  return {
    hopId: hop.id,
    kind: hop.kind,
    reached: hop.expectedPeer !== null,
    peerRole: hop.expectedPeerRole,
    peerAddress: hop.expectedPeer === 'client' ? null : hop.expectedPeer,
    xForwardedForRoles: [],
    xForwardedForLastRole: null,
    xRealIpRole: null,
    proxyProtocolSrcRole: null,
    believedRole: hop.believedClientRole,
    via: hop.clientAddressVia,
  };
}

/**
 * Per hop, what a probe of `path` should find. `direct` is an honest client; `spoof` sends
 * X-Forwarded-For / X-Real-IP with a made-up address (and a made-up PROXY preamble where the path expects one
 * without an LB), so `attacker` in a role means the forged value got through. The client hop is left out.
 */
export function predictedObservation(path: NetPath | ModelPath, probe: 'direct' | 'spoof' = 'direct'): PredictedObservation {
  const hops = path.hops.slice(1).map((hop) => {
    const model = hop as Partial<ModelHop>;
    if (model.arrival === undefined) return fromPublicHop(hop);
    return fromArrival(hop as ModelHop, (probe === 'spoof' ? model.forgedArrival : model.arrival) ?? null);
  });
  const final = hops.at(-1) ?? null;
  const expected = (path as Partial<ModelPath>).expectedOutcome ?? 'ok';
  return { pathId: path.id, probe, outcome: probe === 'spoof' && final?.reached ? 'ok' : expected, hops, final };
}
