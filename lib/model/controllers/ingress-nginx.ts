// ingress-nginx (docs/domain.md#s6.1, #src-S21, #src-S22; docs/lab.md#row-19–#row-29; docs/sources.md#seed-000 and #seed-001).
import type { ClientAddressVia, IngressControllerInfo } from '@/lib/types';
import { type Claim, type Flow, renderAddress } from '../flow';
import { isCatchAll, isTrusted, type TrustContext } from '../trust';
import type { PredictedAddress } from '../types';
import type { ControllerModel, ControllerResult } from './types';

const configMapOf = (c: IngressControllerInfo) => c.configMap ?? `${c.namespace}/ingress-nginx-controller`;

function patchConfigMap(c: IngressControllerInfo, data: Record<string, string>): string {
  const [namespace, name] = configMapOf(c).split('/');
  const lines = Object.entries(data).map(([k, v]) => `${k}: "${v}"`);
  return [
    `ConfigMap ${configMapOf(c)}:`,
    ...lines.map((l) => `  ${l}`),
    `kubectl patch configmap -n ${namespace} ${name} --type merge -p '${JSON.stringify({ data })}'`,
  ].join('\n');
}

/**
 * realip with `real_ip_recursive on` (nginx realip module, docs/domain.md#src-S22): only when the TCP peer is trusted, walk the header
 * from the right and take the first untrusted address; when every entry is trusted, the left-most one wins.
 */
export function recursiveRealIp(
  peer: PredictedAddress,
  header: Claim[],
  trusted: readonly string[],
  ctx: TrustContext,
): PredictedAddress {
  if (!isTrusted(peer, trusted, ctx) || header.length === 0) return peer;
  for (let i = header.length - 1; i >= 0; i--) {
    const entry = header[i]!.address;
    if (!isTrusted(entry, trusted, ctx)) return entry;
  }
  return header[0]!.address;
}

/** [major, minor] of a version tag such as "v1.13.2"; null when there is none. */
export function versionOf(tag: string | null | undefined): [number, number] | null {
  const m = /^v?(\d+)\.(\d+)/.exec(tag ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * Since controller-v1.13.0 (kubernetes/ingress-nginx#12768, docs/domain.md#s6.1.1) PROXY protocol together with
 * use-forwarded-headers reads the client from the forwarded-for header when the PROXY address is trusted. Older or
 * unknown versions keep real_ip_header proxy_protocol; `assumed` says which rule an unknown version got.
 */
export function proxyAndHeadersRule(c: IngressControllerInfo): { rule: 'forwarded-for-when-proxy-trusted' | 'proxy-protocol'; assumed: boolean } {
  const v = versionOf(c.version);
  if (!v) return { rule: 'proxy-protocol', assumed: true };
  return { rule: v[0] > 1 || (v[0] === 1 && v[1] >= 13) ? 'forwarded-for-when-proxy-trusted' : 'proxy-protocol', assumed: false };
}

/** The values of `forwarded-for-header` (default X-Forwarded-For; another name such as CF-Connecting-IP only the client writes here). */
function forwardedFor(flow: Flow, header: string): Claim[] {
  if (header.toLowerCase() === 'x-forwarded-for') return flow.xForwardedFor;
  return flow.otherHeader ? [flow.otherHeader] : [];
}

function receive(flow: Flow, c: IngressControllerInfo, self: PredictedAddress, ctx: TrustContext): ControllerResult {
  const s = c.settings;
  const trusted = s.trustedCIDRs;
  const realIpEnabled = s.useForwardedHeaders || s.useProxyProtocol || Boolean(s.enableRealIp);
  const details: Record<string, string> = {
    'use-proxy-protocol': String(s.useProxyProtocol),
    'use-forwarded-headers': String(s.useForwardedHeaders),
    'compute-full-forwarded-for': String(s.computeFullForwardedFor),
    'proxy-real-ip-cidr': trusted.join(','),
    'settings from': s.origin,
  };
  // A PROXY preamble on a port without proxy_protocol is read as the request line: 400 (docs/lab.md#row-21).
  if (flow.proxyProtocol && !s.useProxyProtocol) {
    return {
      ok: false,
      failure: 'proxy-protocol-not-expected',
      outcome: 'http-error',
      message: 'nginx reads the PROXY preamble as an HTTP request line and answers 400 Bad Request',
      details,
    };
  }
  // Plain HTTP on a proxy_protocol port: "broken header", connection closed without a reply (docs/lab.md#row-29).
  if (!flow.proxyProtocol && s.useProxyProtocol) {
    return {
      ok: false,
      failure: 'proxy-protocol-not-sent',
      outcome: 'empty-reply',
      message: 'nginx expects a PROXY preamble, logs "broken header" and closes the connection',
      details,
    };
  }
  if (flow.proxyProtocol) details['$proxy_protocol_addr'] = renderAddress(flow.proxyProtocol.src) ?? 'unknown';

  // Template (docs/domain.md#s6.1): real_ip_header is proxy_protocol when PROXY is on, else the forwarded-for header;
  // from 1.13 with both on, X-Forwarded-For-Proxy-Protocol (docs/domain.md#s6.1.1).
  const header = s.forwardedForHeader ?? 'X-Forwarded-For';
  const viaHeader: ClientAddressVia = header.toLowerCase() === 'x-forwarded-for' ? 'x-forwarded-for' : 'none';
  const fromHeader = (claims: Claim[]): { remote: PredictedAddress; via: ClientAddressVia } => {
    const found = recursiveRealIp(flow.peer, claims, trusted, ctx);
    return found !== flow.peer ? { remote: found, via: viaHeader } : { remote: flow.peer, via: 'source' };
  };
  let remote = flow.peer;
  let via: ClientAddressVia = 'source';
  const both = s.useProxyProtocol && s.useForwardedHeaders;
  const rule = both ? proxyAndHeadersRule(c) : null;
  if (rule) details['PROXY + forwarded headers'] = rule.rule === 'proxy-protocol' ? `PROXY address wins (before 1.13${rule.assumed ? ', version unknown: assumed' : ''})` : `${header} when the PROXY address is trusted (≥ 1.13)`;
  if (realIpEnabled && isTrusted(flow.peer, trusted, ctx)) {
    if (flow.proxyProtocol && rule?.rule === 'forwarded-for-when-proxy-trusted') {
      // geo $proxy_protocol_addr over proxy-real-ip-cidr: trusted ⇒ the header (absent ⇒ nginx keeps its TCP peer), else the PROXY address.
      if (isTrusted(flow.proxyProtocol.src, trusted, ctx)) ({ remote, via } = fromHeader(forwardedFor(flow, header)));
      else {
        remote = flow.proxyProtocol.src;
        via = 'proxy-protocol';
      }
    } else if (flow.proxyProtocol) {
      remote = flow.proxyProtocol.src; // docs/lab.md#row-20; docs/lab.md#row-23 shows an untrusted peer keeps its own address
      via = 'proxy-protocol';
    } else {
      ({ remote, via } = fromHeader(forwardedFor(flow, header)));
    }
  }
  if (realIpEnabled) details['trusts its TCP peer'] = String(isTrusted(flow.peer, trusted, ctx));

  // Upstream headers (docs/domain.md#s6.1): X-Real-IP = $remote_addr; X-Forwarded-For = $remote_addr (replaced) or, with
  // use-forwarded-headers + compute-full-forwarded-for, "<incoming XFF>, <realip_remote_addr | proxy_protocol_addr>".
  const written = (a: PredictedAddress): Claim => ({ address: a, vouched: true });
  const full = s.useForwardedHeaders && s.computeFullForwardedFor;
  const appended = flow.proxyProtocol ? flow.proxyProtocol.src : flow.peer;
  return {
    ok: true,
    believed: remote,
    via,
    upstream: {
      peer: self,
      proxyProtocol: null,
      xRealIp: written(remote),
      xForwardedFor: full ? [...flow.xForwardedFor, written(appended)] : [written(remote)],
    },
    details,
  };
}

export const ingressNginx: ControllerModel = {
  kind: 'ingress-nginx',
  label: 'ingress-nginx',
  receive,
  assumption(c) {
    const both = c.settings.useProxyProtocol && c.settings.useForwardedHeaders;
    if (!both || !proxyAndHeadersRule(c).assumed) return null;
    return `the controller's version is unknown (no version tag on its image), so the rule before 1.13 was assumed: with use-proxy-protocol and use-forwarded-headers the PROXY address is the client and ${c.settings.forwardedForHeader ?? 'X-Forwarded-For'} is not read. From 1.13 the header is read when the PROXY address is in proxy-real-ip-cidr.`;
  },
  // realip on (forwarded headers or PROXY) with the default proxy-real-ip-cidr 0.0.0.0/0 (docs/domain.md#s6.1 gotcha).
  trustsEveryone: (c) =>
    (c.settings.useForwardedHeaders || c.settings.useProxyProtocol || Boolean(c.settings.enableRealIp)) &&
    isCatchAll(c.settings.trustedCIDRs),
  fixes: {
    enableProxyProtocol: (c) => patchConfigMap(c, { 'use-proxy-protocol': 'true' }),
    disableProxyProtocol: (c) => patchConfigMap(c, { 'use-proxy-protocol': 'false' }),
    trustOnly: (c, cidrs) => patchConfigMap(c, { 'proxy-real-ip-cidr': cidrs.join(',') }),
    useForwardedHeaders: (c, cidrs) =>
      patchConfigMap(c, { 'use-forwarded-headers': 'true', 'proxy-real-ip-cidr': cidrs.join(',') }),
    ignoreForwardedHeaders: (c) => patchConfigMap(c, { 'use-forwarded-headers': 'false' }),
  },
};
