// What every request passes before it reaches a page or a route (proxy.ts): a Host that cannot be a DNS rebinding,
// and, for anything that acts (starts probes, stores a snapshot), a same-origin browser request with a JSON body.
// Pure functions of the request's method, path and headers, so each rule is tested on its own.
import type { ErrorCode } from '@/lib/contract/errors';

export interface Refusal {
  code: ErrorCode;
  message: string;
  hint: string;
}

/** Paths the kubelet and Prometheus reach by pod IP or Service name, and which reveal nothing: no Host check. */
const INFRASTRUCTURE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const ACTING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Host header without its port, lowercased; IPv6 literals keep their brackets. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d+$/, '');
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

/**
 * A rebinding attack needs a DNS name the attacker controls that resolves to hopscope's address; a Host that is an
 * IP literal cannot be one (the page would then be on that IP's own origin). So IP literals pass, and names pass
 * only when they are localhost or configured (HOPSCOPE_ALLOWED_HOSTS, the host of HOPSCOPE_PUBLIC_URL) — the rule
 * `kubectl proxy --accept-hosts` applies.
 */
export function isAllowedHost(host: string | null, allowed: readonly string[]): boolean {
  if (!host) return false;
  const name = hostName(host);
  if (IPV4.test(name) || name.startsWith('[')) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((a) => a.toLowerCase() === name);
}

/** Same-origin per the browser's own word (Sec-Fetch-Site), else per Origin; no header at all is a non-browser client. */
export function isSameOrigin(headers: Headers): boolean {
  const site = headers.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = headers.get('origin');
  if (!origin) return true;
  try {
    return new URL(origin).host.toLowerCase() === (headers.get('host') ?? '').toLowerCase();
  } catch {
    return false;
  }
}

const isJson = (contentType: string | null) => /^application\/json\s*(;|$)/i.test(contentType ?? '');

export function refusalOf(method: string, pathname: string, headers: Headers, allowedHosts: readonly string[]): Refusal | null {
  if (!INFRASTRUCTURE_PATHS.has(pathname) && !isAllowedHost(headers.get('host'), allowedHosts)) {
    return {
      code: 'host_not_allowed',
      message: `this hopscope does not answer for host "${(headers.get('host') ?? '').slice(0, 100)}"`,
      hint: 'open hopscope by localhost, an IP address, or a name listed in HOPSCOPE_ALLOWED_HOSTS / HOPSCOPE_PUBLIC_URL',
    };
  }
  if (!ACTING_METHODS.has(method)) return null;
  if (!isSameOrigin(headers)) {
    return {
      code: 'cross_origin_refused',
      message: `${method} ${pathname} from another site is refused`,
      hint: 'start traces and shares from the hopscope page itself, or from a script (curl sends no Origin)',
    };
  }
  if (method !== 'DELETE' && !isJson(headers.get('content-type'))) {
    return {
      code: 'unsupported_media_type',
      message: `${method} ${pathname} needs Content-Type: application/json`,
      hint: 'send the body as JSON with Content-Type: application/json',
    };
  }
  return null;
}

/** Headers every answer carries; pages add their CSP (cspFor). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

/**
 * The page policy: scripts only with this response's nonce (Next puts it on its own scripts) or loaded by them;
 * styles may be inline because React Flow positions nodes with style attributes; images from data:/blob: for the
 * graph export; workers from this origin for the ELK layout; no framing, no plugins, no foreign forms.
 * The probe page (`probePage`) alone may also connect to the origins of its part of a browser plan, and be framed by
 * the dashboard that runs it.
 */
export function cspFor(nonce: string, dev = false, probePage: { connect: readonly string[] } | null = null): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...(probePage?.connect ?? [])].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    probePage ? "frame-ancestors 'self'" : "frame-ancestors 'none'",
  ].join('; ');
}

/** The page that sends a browser plan's probes (app/probe/[id]). */
export const isProbePage = (pathname: string) => /^\/probe\/[^/]+$/.test(pathname);

/** At most this many origins per probe page; a bigger plan is sent by several pages in turn (lib/graph/browser-probe.ts). */
export const MAX_PROBE_PAGE_ORIGINS = 64;
const MAX_ORIGIN_CHARS = 300;
/** What may stand in a CSP source expression here: scheme, a host name or IP literal, a port; nothing that ends it. */
const CONNECT_ORIGIN = /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origins the probe page's address asks to connect to (`?connect=<origin>`, repeated), or null when one of them
 * is not an http(s) origin in canonical form. The page itself runs only when they are exactly origins of its trace's
 * plan (app/probe/[id]/page.tsx): this check only keeps the header well-formed.
 */
export function probePageConnect(params: URLSearchParams): string[] | null {
  const asked = params.getAll('connect');
  if (asked.length === 0 || asked.length > MAX_PROBE_PAGE_ORIGINS) return null;
  for (const origin of asked) {
    if (origin.length > MAX_ORIGIN_CHARS || !CONNECT_ORIGIN.test(origin)) return null;
    try {
      if (new URL(origin).origin !== origin) return null;
    } catch {
      return null;
    }
  }
  return [...new Set(asked)];
}

/** Security headers of a page: the probe page may be framed by the dashboard (same origin), no other page by anyone. */
export function securityHeadersFor(pathname: string): Readonly<Record<string, string>> {
  return isProbePage(pathname) ? { ...SECURITY_HEADERS, 'X-Frame-Options': 'SAMEORIGIN' } : SECURITY_HEADERS;
}

/** Answers with people's data (inventory, traces, snapshots) are never stored by a browser or a shared cache. */
export const isPrivatePath = (pathname: string) => pathname.startsWith('/api/') || pathname.startsWith('/s/') || isProbePage(pathname);
