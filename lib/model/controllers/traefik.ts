// Traefik v2/v3 entry points (docs/domain.md#s6.2, #src-S23; k3s / Rancher Desktop default, docs/domain.md#s5 and docs/sources.md#seed-003).
import type { ClientAddressVia, IngressControllerInfo } from '@/lib/types';
import { type Claim, type Flow, renderAddress } from '../flow';
import { isTrusted, type TrustContext } from '../trust';
import type { PredictedAddress } from '../types';
import type { ControllerModel, ControllerResult } from './types';

const entryPointOf = (c: IngressControllerInfo) => c.settings.entryPoint ?? 'web';
const proxyProtocolTrust = (c: IngressControllerInfo) => c.settings.proxyProtocolTrustedCIDRs ?? [];
const proxyProtocolConfigured = (c: IngressControllerInfo) =>
  c.settings.useProxyProtocol || Boolean(c.settings.proxyProtocolInsecure) || proxyProtocolTrust(c).length > 0;

function args(c: IngressControllerInfo, flags: string[]): string {
  return [
    `Traefik static configuration of ${c.namespace} (entry point "${entryPointOf(c)}"), e.g. Helm values additionalArguments:`,
    ...flags.map((f) => `  - "${f}"`),
  ].join('\n');
}

/**
 * What Traefik's entry point makes of a request before routing (docs/domain.md#s6.2): PROXY v1/v2 is auto-detected,
 * connections without it are still accepted, and only trusted peers' PROXY addresses are used; then forwardedHeaders
 * trusts the X-Forwarded-* of `remote` (the connection's address after PROXY) or deletes them.
 */
export function traefikRequest(flow: Flow, c: IngressControllerInfo, ctx: TrustContext): { remote: PredictedAddress; via: ClientAddressVia; headersTrusted: boolean; proxySrc: string | null } {
  const s = c.settings;
  let remote = flow.peer;
  let via: ClientAddressVia = 'source';
  if (flow.proxyProtocol && (s.proxyProtocolInsecure || isTrusted(flow.peer, proxyProtocolTrust(c), ctx))) {
    remote = flow.proxyProtocol.src;
    via = 'proxy-protocol';
  }
  const headersTrusted = Boolean(s.forwardedHeadersInsecure) || isTrusted(remote, s.trustedCIDRs, ctx);
  return { remote, via, headersTrusted, proxySrc: flow.proxyProtocol ? (renderAddress(flow.proxyProtocol.src) ?? 'unknown') : null };
}

function receive(flow: Flow, c: IngressControllerInfo, self: PredictedAddress, ctx: TrustContext): ControllerResult {
  const s = c.settings;
  const details: Record<string, string> = {
    entryPoint: entryPointOf(c),
    'forwardedHeaders.trustedIPs': s.trustedCIDRs.join(',') || '(none)',
    'forwardedHeaders.insecure': String(Boolean(s.forwardedHeadersInsecure)),
    'proxyProtocol.trustedIPs': proxyProtocolTrust(c).join(',') || '(none)',
    'proxyProtocol.insecure': String(Boolean(s.proxyProtocolInsecure)),
    'settings from': s.origin,
  };
  // Without proxyProtocol on the entry point the preamble is not stripped and breaks the HTTP parse.
  if (flow.proxyProtocol && !proxyProtocolConfigured(c)) {
    return {
      ok: false,
      failure: 'proxy-protocol-not-expected',
      outcome: 'http-error',
      message: 'the entry point has no proxyProtocol settings, so the PROXY preamble is read as a malformed request',
      details,
    };
  }
  const { remote, via, headersTrusted, proxySrc } = traefikRequest(flow, c, ctx);
  if (proxySrc) details['PROXY src'] = proxySrc;
  details['trusts incoming X-Forwarded-*'] = String(headersTrusted);
  const keptXff = headersTrusted ? flow.xForwardedFor : [];
  const keptRealIp = headersTrusted ? flow.xRealIp : null;
  const xRealIp: Claim = keptRealIp ? { address: keptRealIp.address, vouched: true } : { address: remote, vouched: true };
  return {
    ok: true,
    believed: xRealIp.address,
    via: keptRealIp ? 'x-real-ip' : via,
    upstream: {
      peer: self,
      proxyProtocol: null,
      xRealIp,
      xForwardedFor: [...keptXff, { address: remote, vouched: true }],
    },
    details,
  };
}

export const traefik: ControllerModel = {
  kind: 'traefik',
  label: 'Traefik',
  receive,
  trustsEveryone: (c) => Boolean(c.settings.forwardedHeadersInsecure) || Boolean(c.settings.proxyProtocolInsecure),
  fixes: {
    enableProxyProtocol: (c, cidrs) => args(c, [`--entryPoints.${entryPointOf(c)}.proxyProtocol.trustedIPs=${cidrs.join(',')}`]),
    disableProxyProtocol: (c) =>
      `Remove --entryPoints.${entryPointOf(c)}.proxyProtocol.* from the Traefik static configuration of ${c.namespace}`,
    trustOnly: (c, cidrs) =>
      args(c, [
        `--entryPoints.${entryPointOf(c)}.forwardedHeaders.trustedIPs=${cidrs.join(',')}`,
        `--entryPoints.${entryPointOf(c)}.proxyProtocol.trustedIPs=${cidrs.join(',')}`,
      ]) + `\n(and drop the .insecure flags)`,
    useForwardedHeaders: (c, cidrs) => args(c, [`--entryPoints.${entryPointOf(c)}.forwardedHeaders.trustedIPs=${cidrs.join(',')}`]),
    ignoreForwardedHeaders: (c) =>
      `Remove --entryPoints.${entryPointOf(c)}.forwardedHeaders.* from the Traefik static configuration of ${c.namespace}`,
  },
};
