// Types of the path model beyond the shared contract (lib/types.ts). Every field added here is optional for
// readers of the public API: ModelHop and ModelPath extend Hop and NetPath with what a hop receives, so the
// probe engine can compare an echo report field by field (see observation.ts).
import type { AddressRole, ClientAddressVia, Hop, NetPath, ProbeOutcome, Verdict } from '@/lib/types';

/** An address as the model knows it: who it belongs to, and the concrete IP when the inventory has one. */
export interface PredictedAddress {
  role: AddressRole;
  /** Concrete IP, or null when unknown (the client, a forged value, a cloud LB's member-port address). */
  address: string | null;
}

export interface PredictedProxyHeader {
  /** 1 or 2; null when the provider does not document the version (receivers accept both). */
  version: 1 | 2 | null;
  src: PredictedAddress;
}

/** What one hop receives on the wire and what it then takes as the client. */
export interface Arrival {
  peer: PredictedAddress;
  proxyProtocol: PredictedProxyHeader | null;
  /** One entry per address, left to right, as the hop receives the combined header. */
  xForwardedFor: PredictedAddress[];
  xRealIp: PredictedAddress | null;
  believed: PredictedAddress;
  via: ClientAddressVia;
  /** The hop's own status, in the path verdict vocabulary. */
  verdict: Verdict;
}

export interface ModelHop extends Hop {
  /** What an honest client's request looks like here; null when it never arrives (dropped or refused before). */
  arrival: Arrival | null;
  /** The same for a client that forges X-Forwarded-For / X-Real-IP (and a PROXY header where one is expected). */
  forgedArrival: Arrival | null;
}

export interface ModelPath extends NetPath {
  hops: ModelHop[];
  /** How a probe of this path ends: ok, or the failure the model predicts (timeout for a drop, …). */
  expectedOutcome: ProbeOutcome;
  /** The verdict for an in-cluster client (such as hopscope itself) where it differs from an outside client. */
  inClusterVerdict?: Verdict | null;
}

/** One setting flipped by a what-if expression (grammar in whatif.ts and WHATIF.md). */
export type WhatIf =
  | { target: 'service'; namespace: string; name: string; setting: 'externalTrafficPolicy'; value: 'Cluster' | 'Local' }
  | { target: 'service'; namespace: string; name: string; setting: 'proxyProtocol'; value: 'v1' | 'v2' | 'off' }
  | { target: 'service'; namespace: string; name: string; setting: 'xForwardedFor'; value: boolean }
  | { target: 'service'; namespace: string; name: string; setting: 'ipMode'; value: 'VIP' | 'Proxy' }
  | {
      target: 'controller';
      id: string;
      setting: 'useProxyProtocol' | 'useForwardedHeaders' | 'computeFullForwardedFor';
      value: boolean;
    }
  | { target: 'controller'; id: string; setting: 'trustedCIDRs' | 'proxyProtocolTrustedCIDRs'; value: string[] }
  | { target: 'cni'; setting: 'natOutgoing'; value: boolean };
