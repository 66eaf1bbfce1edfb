// The request as it travels: the TCP peer, an optional PROXY preamble and the client-address headers.
// Each hop is a pure function from the Flow it receives to the Flow it sends on (docs/domain.md#s0: a backend only
// observes its TCP peer; everything else is a claim carried in-band).
import type { AddressRole, ClientAddressVia } from '@/lib/types';
import type { Arrival, PredictedAddress, PredictedProxyHeader } from './types';
import { verdictOfBelief } from './verdict';

/** A header value together with whether trusted infrastructure wrote or vouched for it. */
export interface Claim {
  address: PredictedAddress;
  /** Set by a proxy from its own TCP peer (or passed on by a proxy that trusts it), not copied from the client. */
  vouched: boolean;
}

export interface Flow {
  peer: PredictedAddress;
  proxyProtocol: PredictedProxyHeader | null;
  xForwardedFor: Claim[];
  xRealIp: Claim | null;
  /**
   * Any other client-address header no modelled hop writes (CF-Connecting-IP, True-Client-IP): only the client can have
   * put a value there. Read by a controller configured to take the client from such a header (docs/domain.md#s6.1).
   */
  otherHeader?: Claim | null;
}

export const CLIENT: PredictedAddress = { role: 'client', address: null };
/** A value the client typed into a header or a PROXY preamble. */
export const FORGED: PredictedAddress = { role: 'attacker', address: null };

export const address = (role: AddressRole, ip: string | null): PredictedAddress => ({ role, address: ip });

/** What an outside client sends: honest (nothing but its own TCP source) or forging every client-address field. */
export function clientRequest(kind: 'honest' | 'forged', withForgedProxyHeader = false): Flow {
  if (kind === 'honest') return { peer: CLIENT, proxyProtocol: null, xForwardedFor: [], xRealIp: null };
  return {
    peer: CLIENT,
    proxyProtocol: withForgedProxyHeader ? { version: 1, src: FORGED } : null,
    xForwardedFor: [{ address: FORGED, vouched: false }],
    xRealIp: { address: FORGED, vouched: false },
    otherHeader: { address: FORGED, vouched: false },
  };
}

/** Roles that are infrastructure: a proxy skips them when it walks X-Forwarded-For from the right (docs/domain.md#s9). */
export function isInfrastructure(role: AddressRole): boolean {
  return role === 'loadBalancer' || role === 'node' || role === 'ingressController' || role === 'svclb' || role === 'pod';
}

/** Text for Hop.expectedPeer / believedClient: a concrete IP, or the literal "client". */
export function renderAddress(a: PredictedAddress | null): string | null {
  if (!a) return null;
  if (a.role === 'client') return 'client';
  if (a.role === 'attacker') return 'forged';
  return a.address;
}

/**
 * How an application that is not itself a proxy picks the client (docs/domain.md#s9, MDN): the TCP source when the peer
 * is not a proxy; otherwise a PROXY preamble it parses, else X-Real-IP written by the proxy, else the right-most
 * X-Forwarded-For entry that is not infrastructure — and headers only count when some proxy wrote them.
 */
export function appBelief(flow: Flow): { believed: PredictedAddress; via: ClientAddressVia } {
  if (!isInfrastructure(flow.peer.role)) return { believed: flow.peer, via: 'source' };
  if (flow.proxyProtocol) return { believed: flow.proxyProtocol.src, via: 'proxy-protocol' };
  if (flow.xRealIp?.vouched && !isInfrastructure(flow.xRealIp.address.role)) {
    return { believed: flow.xRealIp.address, via: 'x-real-ip' };
  }
  if (flow.xForwardedFor.some((c) => c.vouched)) {
    const rightmost = [...flow.xForwardedFor].reverse().find((c) => !isInfrastructure(c.address.role));
    if (rightmost) return { believed: rightmost.address, via: 'x-forwarded-for' };
  }
  return { believed: flow.peer, via: 'none' };
}

export function arrivalOf(flow: Flow, believed: PredictedAddress, via: ClientAddressVia): Arrival {
  return {
    peer: flow.peer,
    proxyProtocol: flow.proxyProtocol,
    xForwardedFor: flow.xForwardedFor.map((c) => c.address),
    xRealIp: flow.xRealIp?.address ?? null,
    believed,
    via,
    verdict: verdictOfBelief(believed.role, via),
  };
}

/** An L4 hop that rewrites only the TCP source (kube-proxy SNAT, svclb MASQUERADE); headers and PROXY pass untouched. */
export const withPeer = (flow: Flow, peer: PredictedAddress): Flow => ({ ...flow, peer });
