// Ingress controller models by kind. Adding a controller = one module and one entry in CONTROLLERS.
import type { ClientAddressVia, IngressControllerInfo, IngressControllerKind } from '@/lib/types';
import type { Flow } from '../flow';
import { isCatchAll, isTrusted, type TrustContext } from '../trust';
import type { PredictedAddress } from '../types';
import { awsAlb, azureApplicationGateway, gce } from './cloud-l7';
import { ingressNginx, recursiveRealIp } from './ingress-nginx';
import { traefik } from './traefik';
import type { ControllerModel, ControllerResult } from './types';

/**
 * Controllers without a dedicated module (HAProxy Ingress, Contour, unknown): the common proxy behaviour of
 * docs/domain.md#s6.3 — PROXY only when configured (a mismatch fails like nginx), the trusted-hop rule of docs/domain.md#s9 for
 * forwarded headers, and the peer appended to X-Forwarded-For; X-Real-IP is left as it came.
 */
function genericReceive(flow: Flow, c: IngressControllerInfo, self: PredictedAddress, ctx: TrustContext): ControllerResult {
  const s = c.settings;
  const details = { model: 'generic L7 proxy (no dedicated model for this controller)', 'settings from': s.origin };
  if (Boolean(flow.proxyProtocol) !== s.useProxyProtocol) {
    return flow.proxyProtocol
      ? { ok: false, failure: 'proxy-protocol-not-expected', outcome: 'http-error', message: 'PROXY preamble on a plain port', details }
      : { ok: false, failure: 'proxy-protocol-not-sent', outcome: 'empty-reply', message: 'the port expects a PROXY preamble', details };
  }
  const peerTrusted = isTrusted(flow.peer, s.trustedCIDRs, ctx);
  let remote = flow.peer;
  let via: ClientAddressVia = 'source';
  if (flow.proxyProtocol && peerTrusted) {
    remote = flow.proxyProtocol.src;
    via = 'proxy-protocol';
  } else if (s.useForwardedHeaders) {
    const fromHeader = recursiveRealIp(flow.peer, flow.xForwardedFor, s.trustedCIDRs, ctx);
    if (fromHeader !== flow.peer) {
      remote = fromHeader;
      via = 'x-forwarded-for';
    }
  }
  return {
    ok: true,
    believed: remote,
    via,
    upstream: {
      peer: self,
      proxyProtocol: null,
      xRealIp: flow.xRealIp,
      xForwardedFor: [...(s.useForwardedHeaders ? flow.xForwardedFor : []), { address: remote, vouched: true }],
    },
    details,
  };
}

const generic = (kind: IngressControllerKind): ControllerModel => ({
  kind,
  label: kind,
  receive: genericReceive,
  trustsEveryone: (c) => c.settings.useForwardedHeaders && isCatchAll(c.settings.trustedCIDRs),
  fixes: null,
});

export const CONTROLLERS: Partial<Record<IngressControllerKind, ControllerModel>> = {
  'ingress-nginx': ingressNginx,
  traefik,
  'aws-alb': awsAlb,
  gce,
  'azure-application-gateway': azureApplicationGateway,
};

export function controllerModel(kind: IngressControllerKind): ControllerModel {
  return CONTROLLERS[kind] ?? generic(kind);
}

export type { ControllerModel, ControllerResult } from './types';
