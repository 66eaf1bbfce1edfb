// What-if: the same rules with one setting flipped. An expression names a target and one setting:
//
//   svc:<namespace>/<name>.externalTrafficPolicy=Local|Cluster
//   svc:<namespace>/<name>.proxyProtocol=v1|v2|off      the provider's own PROXY annotation (table in loadbalancers.ts)
//   svc:<namespace>/<name>.xForwardedFor=true|false     the provider's HTTP listener that writes X-Forwarded-For
//   svc:<namespace>/<name>.ipMode=VIP|Proxy             status.loadBalancer.ingress[].ipMode
//   controller:<controller id>.useProxyProtocol=true|false
//   controller:<controller id>.useForwardedHeaders=true|false
//   controller:<controller id>.computeFullForwardedFor=true|false
//   controller:<controller id>.trustedCIDRs=<cidr>,<cidr>…|none
//   controller:<controller id>.proxyProtocolTrustedCIDRs=<cidr>,<cidr>…|none
//   cni.natOutgoing=true|false
//
// Several expressions form a comma-separated list; a comma starts a new expression only before "svc:",
// "controller:" or "cni.", so CIDR lists need no quoting. Controller ids are "<kind>/<namespace>/<workload>".
// applyWhatIf is a pure inventory transform; buildPaths runs the unchanged rules on its result. See WHATIF.md.
import { badRequest } from '@/lib/errors';
import { parseCidr } from '@/lib/net/cidr';
import type { ClusterInventory, IngressControllerInfo, ServiceInfo } from '@/lib/types';
import { resolveProvider } from './loadbalancers';
import type { WhatIf } from './types';
import { whatIfOnEntryPoints } from './traefik-entrypoints';

const invalid = (expr: string, why: string) =>
  badRequest(`invalid what-if "${expr}": ${why}`, 'see the what-if grammar, e.g. svc:default/web.externalTrafficPolicy=Local');

function parseBoolean(expr: string, value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(expr, 'expected true or false');
}

function parseCidrList(expr: string, value: string): string[] {
  if (value === '' || value === 'none') return [];
  const cidrs = value.split(',').map((c) => c.trim());
  const bad = cidrs.filter((c) => parseCidr(c) === null);
  if (bad.length > 0) throw invalid(expr, `not a CIDR: ${bad.join(', ')}`);
  return cidrs;
}

function oneOf<T extends string>(expr: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!match) throw invalid(expr, `expected one of ${allowed.join(', ')}`);
  return match;
}

export function parseWhatIf(expr: string): WhatIf {
  const text = expr.trim();
  const eq = text.indexOf('=');
  if (eq < 0) throw invalid(text, 'missing "=<value>"');
  const lhs = text.slice(0, eq);
  const value = text.slice(eq + 1).trim();
  if (lhs === 'cni.natOutgoing') return { target: 'cni', setting: 'natOutgoing', value: parseBoolean(text, value) };
  const dot = lhs.lastIndexOf('.');
  if (dot < 0) throw invalid(text, 'expected <target>.<setting>=<value>');
  const target = lhs.slice(0, dot);
  const setting = lhs.slice(dot + 1);
  if (target.startsWith('svc:')) {
    const [namespace, name, ...rest] = target.slice(4).split('/');
    if (!namespace || !name || rest.length > 0) throw invalid(text, 'expected svc:<namespace>/<name>');
    const svc = { target: 'service' as const, namespace, name };
    switch (setting) {
      case 'externalTrafficPolicy':
        return { ...svc, setting, value: oneOf(text, value, ['Cluster', 'Local'] as const) };
      case 'proxyProtocol':
        return { ...svc, setting, value: oneOf(text, value, ['v1', 'v2', 'off'] as const) };
      case 'xForwardedFor':
        return { ...svc, setting, value: parseBoolean(text, value) };
      case 'ipMode':
        return { ...svc, setting, value: oneOf(text, value, ['VIP', 'Proxy'] as const) };
      default:
        throw invalid(text, `unknown Service setting "${setting}"`);
    }
  }
  if (target.startsWith('controller:')) {
    const id = target.slice('controller:'.length);
    if (id === '') throw invalid(text, 'expected controller:<id>');
    switch (setting) {
      case 'useProxyProtocol':
      case 'useForwardedHeaders':
      case 'computeFullForwardedFor':
        return { target: 'controller', id, setting, value: parseBoolean(text, value) };
      case 'trustedCIDRs':
      case 'proxyProtocolTrustedCIDRs':
        return { target: 'controller', id, setting, value: parseCidrList(text, value) };
      default:
        throw invalid(text, `unknown controller setting "${setting}"`);
    }
  }
  throw invalid(text, 'the target must start with svc:, controller: or be cni');
}

/** Splits a comma list of expressions; commas inside CIDR lists stay with their expression. */
export function splitWhatIfList(text: string): string[] {
  return text
    .split(/,(?=\s*(?:svc:|controller:|cni\.))/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const parseWhatIfList = (text: string): WhatIf[] => splitWhatIfList(text).map(parseWhatIf);

export function formatWhatIf(w: WhatIf): string {
  const value = Array.isArray(w.value) ? w.value.join(',') || 'none' : String(w.value);
  switch (w.target) {
    case 'service':
      return `svc:${w.namespace}/${w.name}.${w.setting}=${value}`;
    case 'controller':
      return `controller:${w.id}.${w.setting}=${value}`;
    case 'cni':
      return `cni.${w.setting}=${value}`;
  }
}

function withAnnotations(svc: ServiceInfo, changes: Record<string, string | null>): ServiceInfo {
  const annotations = { ...svc.annotations };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete annotations[key];
    else annotations[key] = value;
  }
  return { ...svc, annotations };
}

const withIpMode = (svc: ServiceInfo, ipMode: 'VIP' | 'Proxy'): ServiceInfo => ({
  ...svc,
  loadBalancerIngress: svc.loadBalancerIngress.map((i) => (i.ip ? { ...i, ipMode } : i)),
});

function applyToService(inventory: ClusterInventory, svc: ServiceInfo, w: Extract<WhatIf, { target: 'service' }>): ServiceInfo {
  const expr = formatWhatIf(w);
  switch (w.setting) {
    case 'externalTrafficPolicy':
      if (svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') throw invalid(expr, `${svc.type} Services have no externalTrafficPolicy`);
      return { ...svc, externalTrafficPolicy: w.value };
    case 'ipMode':
      return withIpMode(svc, w.value);
    case 'proxyProtocol': {
      const provider = resolveProvider(svc, inventory);
      if (svc.type !== 'LoadBalancer' || !provider.proxyProtocolAnnotations) {
        throw invalid(expr, `${provider.label} cannot send PROXY protocol for this Service`);
      }
      const changed = withAnnotations(svc, provider.proxyProtocolAnnotations(w.value));
      return provider.setsProxyIpModeWithProxyProtocol && w.value !== 'off' ? withIpMode(changed, 'Proxy') : changed;
    }
    case 'xForwardedFor': {
      const provider = resolveProvider(svc, inventory);
      if (svc.type !== 'LoadBalancer' || !provider.xForwardedForAnnotations) {
        throw invalid(expr, `${provider.label} has no X-Forwarded-For listener setting`);
      }
      return withAnnotations(svc, provider.xForwardedForAnnotations(w.value));
    }
  }
}

function applyToController(c: IngressControllerInfo, w: Extract<WhatIf, { target: 'controller' }>): IngressControllerInfo {
  // Traefik's settings are per entry point: the what-if applies to each (docs/domain.md#s6.2.2).
  const entryPoints = c.settings.entryPoints ? { entryPoints: whatIfOnEntryPoints(c.settings.entryPoints, w) } : {};
  return { ...c, settings: { ...c.settings, [w.setting]: w.value, ...entryPoints, origin: `${c.settings.origin} + what-if` } };
}

/** The inventory as it would be with each setting flipped, in order. Unknown targets are a 400. */
export function applyWhatIf(inventory: ClusterInventory, whatIfs: readonly WhatIf[]): ClusterInventory {
  return whatIfs.reduce<ClusterInventory>((inv, w) => {
    const expr = formatWhatIf(w);
    if (w.target === 'cni') return { ...inv, cni: { ...inv.cni, natOutgoing: w.value } };
    if (w.target === 'service') {
      const svc = inv.services.find((s) => s.namespace === w.namespace && s.name === w.name);
      if (!svc) throw invalid(expr, `no Service ${w.namespace}/${w.name} in this cluster`);
      const changed = applyToService(inv, svc, w);
      return { ...inv, services: inv.services.map((s) => (s === svc ? changed : s)) };
    }
    const controller = inv.ingressControllers.find((c) => c.id === w.id);
    if (!controller) throw invalid(expr, `no ingress controller ${w.id} in this cluster`);
    const changed = applyToController(controller, w);
    return {
      ...inv,
      ingressControllers: inv.ingressControllers.map((c) => (c.id === w.id ? changed : c)),
      ingresses: inv.ingresses.map((i) => (i.controller?.id === w.id ? { ...i, controller: changed } : i)),
      ...(inv.ingressRoutes ? { ingressRoutes: inv.ingressRoutes.map((r) => (r.controller?.id === w.id ? { ...r, controller: changed } : r)) } : {}),
    };
  }, inventory);
}
