// Traefik's client-IP settings live on each entry point (docs/domain.md#s6.2.1): which one a request reaches follows from
// the port it is sent to — Service port → targetPort (number or container port name) → the container port → the entry
// point listening on that port (docs/domain.md#s6.2.2). Pure: the controller is seen through the chosen entry point.
import type { EntryPointSettings, HostPortInfo, IngressControllerInfo, IngressControllerSettings, ServiceInfo, ServicePortInfo } from '@/lib/types';
import type { WhatIf } from './types';

/** One entry point's settings in the controller-neutral fields the controller model reads. */
export function entryPointFields(point: EntryPointSettings): Omit<IngressControllerSettings, 'origin'> {
  return {
    useForwardedHeaders: point.forwardedHeadersInsecure || point.forwardedHeadersTrustedIPs.length > 0,
    useProxyProtocol: point.proxyProtocolInsecure || point.proxyProtocolTrustedIPs.length > 0,
    // Traefik's reverse proxy always appends its peer to X-Forwarded-For (after dropping untrusted values).
    computeFullForwardedFor: true,
    trustedCIDRs: point.forwardedHeadersTrustedIPs,
    proxyProtocolTrustedCIDRs: point.proxyProtocolTrustedIPs,
    forwardedHeadersInsecure: point.forwardedHeadersInsecure,
    proxyProtocolInsecure: point.proxyProtocolInsecure,
    entryPoint: point.name,
  };
}

/** The entry point a path reaches, and the controller seen through it. */
export interface EntryPointChoice {
  /** The controller with `settings` = that entry point's (every other field as discovered). */
  controller: IngressControllerInfo;
  entryPoint: string | null;
  /** Why the entry point had to be assumed, in words; null when it was matched. */
  assumption: string | null;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const hasEntryPoints = (c: IngressControllerInfo) => c.kind === 'traefik' && c.settings.entryPoints !== undefined;

function defaults(name: string): EntryPointSettings {
  return { name, address: null, port: null, forwardedHeadersTrustedIPs: [], forwardedHeadersInsecure: false, proxyProtocolTrustedIPs: [], proxyProtocolInsecure: false };
}

function view(c: IngressControllerInfo, point: EntryPointSettings, assumption: string | null): EntryPointChoice {
  return { controller: { ...c, settings: { ...c.settings, ...entryPointFields(point) } }, entryPoint: point.name, assumption };
}

/** The container port a Service port sends to: its targetPort number, or the controller pod's port of that name. */
export function containerPortOf(c: IngressControllerInfo, port: ServicePortInfo): number | null {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return c.containerPorts?.find((p) => p.name === port.targetPort)?.containerPort ?? null;
}

/**
 * The entry point listening on `containerPort`. None: the one named like the container port (the Helm chart and k3s
 * name container ports after entry points, docs/domain.md#s6.2.2), else the default one — said as an assumption.
 */
export function entryPointOnPort(c: IngressControllerInfo, containerPort: number | null, portName: string | null, what: string): EntryPointChoice {
  if (!hasEntryPoints(c)) return { controller: c, entryPoint: c.settings.entryPoint ?? null, assumption: null };
  const points = c.settings.entryPoints!;
  const matched = containerPort === null ? undefined : points.find((p) => p.port === containerPort);
  if (matched) return view(c, matched, null);
  const byName = portName ? points.find((p) => same(p.name, portName)) : undefined;
  const fallback = byName ?? points.find((p) => same(p.name, c.settings.entryPoint ?? 'web')) ?? points[0] ?? defaults(portName ?? c.settings.entryPoint ?? 'web');
  const where = containerPort === null ? `${what} reaches no container port hopscope can name` : `no entry point listens on container port ${containerPort} (${what})`;
  const known = points.length > 0 ? `the static configuration defines ${points.map((p) => `"${p.name}"${p.address ? ` (${p.address})` : ''}`).join(', ')}` : 'no entry point is known';
  return view(c, fallback, `${where}; ${known}; hopscope assumed entry point "${fallback.name}"${byName ? ' (the container port\'s name)' : ''}.`);
}

/** The entry point a Service port of the controller reaches. */
export function entryPointOfServicePort(c: IngressControllerInfo, svc: ServiceInfo, port: ServicePortInfo): EntryPointChoice {
  const named = typeof port.targetPort === 'string' ? port.targetPort : (c.containerPorts?.find((p) => p.containerPort === port.targetPort)?.name ?? null);
  return entryPointOnPort(c, containerPortOf(c, port), named, `${svc.namespace}/${svc.name} port ${port.port} → targetPort ${port.targetPort}`);
}

/** The entry point a host port of a controller pod reaches (hostPort → containerPort). */
export function entryPointOfHostPort(c: IngressControllerInfo, hostPort: HostPortInfo): EntryPointChoice {
  const name = c.containerPorts?.find((p) => p.containerPort === hostPort.containerPort)?.name ?? null;
  return entryPointOnPort(c, hostPort.containerPort, name, `hostPort ${hostPort.hostPort} → containerPort ${hostPort.containerPort}`);
}

/** The entry point an IngressRoute names; one the static configuration lacks keeps the defaults, as an assumption. */
export function entryPointNamed(c: IngressControllerInfo, name: string): EntryPointChoice {
  if (!hasEntryPoints(c)) return { controller: c, entryPoint: name, assumption: null };
  const points = c.settings.entryPoints!;
  const found = points.find((p) => same(p.name, name));
  if (found) return view(c, found, null);
  const assumption = points.length > 0 ? `the route names entry point "${name}", which the static configuration does not define (Traefik serves the route on no listener); hopscope assumed its defaults.` : null;
  return view(c, defaults(name), assumption);
}

/**
 * The Service port that reaches an entry point: the one whose container port is the entry point's address port, else
 * (address unknown) the one whose targetPort or container port carries the entry point's name.
 */
export function servicePortForEntryPoint(c: IngressControllerInfo, svc: ServiceInfo, name: string): ServicePortInfo | null {
  const point = c.settings.entryPoints?.find((p) => same(p.name, name));
  const byPort = point?.port != null ? svc.ports.find((p) => containerPortOf(c, p) === point.port) : undefined;
  if (byPort) return byPort;
  if (point?.port != null) return null;
  return svc.ports.find((p) => (typeof p.targetPort === 'string' && same(p.targetPort, name)) || same(p.name, name)) ?? null;
}

/** Traefik's default entry points: those with asDefault, else every HTTP/TCP one but `traefik` (docs/domain.md#s6.2.4). */
export function defaultEntryPoints(c: IngressControllerInfo): string[] {
  const tcp = (c.settings.entryPoints ?? []).filter((p) => !/\/udp$/i.test(p.address ?? '') && !same(p.name, 'traefik'));
  const marked = tcp.filter((p) => p.asDefault === true);
  return (marked.length > 0 ? marked : tcp).map((p) => p.name);
}

type ControllerWhatIf = Extract<WhatIf, { target: 'controller' }>;

/**
 * A what-if on a Traefik controller applies to each of its entry points (a what-if names the controller, not an entry
 * point): a CIDR list replaces that list everywhere, `false` switches the feature off everywhere.
 */
export function whatIfOnEntryPoints(points: EntryPointSettings[], w: ControllerWhatIf): EntryPointSettings[] {
  return points.map((p) => {
    switch (w.setting) {
      case 'trustedCIDRs':
        return { ...p, forwardedHeadersTrustedIPs: w.value };
      case 'proxyProtocolTrustedCIDRs':
        return { ...p, proxyProtocolTrustedIPs: w.value };
      case 'useForwardedHeaders':
        return w.value ? p : { ...p, forwardedHeadersTrustedIPs: [], forwardedHeadersInsecure: false };
      case 'useProxyProtocol':
        return w.value ? p : { ...p, proxyProtocolTrustedIPs: [], proxyProtocolInsecure: false };
      default:
        return p;
    }
  });
}
