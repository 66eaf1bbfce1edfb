// Types of the path model beyond the shared contract (lib/types.ts). ModelHop and ModelPath are Hop and NetPath
// with the fields the contract makes optional always present: what a hop receives, so the probe engine can compare
// an echo report field by field (see observation.ts).
import type { Arrival, Hop, NetPath, ProbeOutcome } from '@/lib/types';

export type { Arrival, PredictedAddress, PredictedProxyHeader } from '@/lib/types';

export type ModelHop = Hop & { arrival: Arrival | null; forgedArrival: Arrival | null };

export type ModelPath = NetPath & { hops: ModelHop[]; expectedOutcome: ProbeOutcome };

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
