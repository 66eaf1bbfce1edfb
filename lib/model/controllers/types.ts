// The contract every ingress controller model fulfils. Adding a controller = one module plus one entry in index.ts.
import type { ClientAddressVia, IngressControllerInfo, IngressControllerKind, ProbeOutcome } from '@/lib/types';
import type { Flow } from '../flow';
import type { TrustContext } from '../trust';
import type { PredictedAddress } from '../types';

export type ControllerFailure = 'proxy-protocol-not-expected' | 'proxy-protocol-not-sent';

export type ControllerResult =
  | {
      ok: true;
      /** What the controller takes as the client (nginx $remote_addr after realip, traefik's X-Real-Ip). */
      believed: PredictedAddress;
      via: ClientAddressVia;
      /** The request it sends upstream: its own pod as TCP peer, and the headers it writes. */
      upstream: Flow;
      details: Record<string, string>;
    }
  | { ok: false; failure: ControllerFailure; outcome: ProbeOutcome; message: string; details: Record<string, string> };

/** Concrete configuration changes, in the controller's own words (ConfigMap keys, CLI flags). */
export interface ControllerFixes {
  enableProxyProtocol(controller: IngressControllerInfo, lbCIDRs: string[]): string;
  disableProxyProtocol(controller: IngressControllerInfo): string;
  /** Trust forwarded headers / PROXY only from these ranges. */
  trustOnly(controller: IngressControllerInfo, cidrs: string[]): string;
  /** Use the X-Forwarded-For a trusted proxy in front writes. */
  useForwardedHeaders(controller: IngressControllerInfo, cidrs: string[]): string;
  /** Stop believing X-Forwarded-For at all (nothing in front writes it). */
  ignoreForwardedHeaders(controller: IngressControllerInfo): string;
}

export interface ControllerModel {
  kind: IngressControllerKind;
  label: string;
  receive(flow: Flow, controller: IngressControllerInfo, self: PredictedAddress, trust: TrustContext): ControllerResult;
  /** The setting that lets anyone set the client address, if this configuration has it (docs/lab.md#row-25, #row-27). */
  trustsEveryone(controller: IngressControllerInfo): boolean;
  /** A rule the model had to pick without knowing the controller's version, in words; null when none was needed. */
  assumption?(controller: IngressControllerInfo): string | null;
  fixes: ControllerFixes | null;
}
