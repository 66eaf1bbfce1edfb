import { type NextRequest, NextResponse } from 'next/server';
import { config as settings } from '@/lib/config';
import { ERROR_STATUS } from '@/lib/contract/errors';
import { cspFor, isPrivatePath, isProbePage, probePageConnect, refusalOf, securityHeadersFor } from '@/lib/http/guard';

// Runs before every page: refuses foreign Hosts and sets the security headers and the nonce CSP (the rules are in
// lib/http/guard.ts, where they are tested). API routes apply the same rules in their handler (lib/api.ts), so that
// Next does not buffer their bodies for a proxy.
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const refusal = refusalOf(request.method, pathname, request.headers, settings().allowedHosts);
  if (refusal) {
    const { code, message, hint } = refusal;
    return withHeaders(NextResponse.json({ error: { code, message, hint } }, { status: ERROR_STATUS[code] }), pathname, null);
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const forwarded = new Headers(request.headers);
  forwarded.set('x-nonce', nonce);
  // The probe page connects to its plan's targets; it checks itself that they are its plan's (app/probe/[id]).
  const connect = isProbePage(pathname) ? (probePageConnect(request.nextUrl.searchParams) ?? []) : null;
  const csp = cspFor(nonce, process.env.NODE_ENV === 'development', connect ? { connect } : null);
  // Next reads the policy from the request to put the nonce on the scripts it renders.
  forwarded.set('Content-Security-Policy', csp);
  return withHeaders(NextResponse.next({ request: { headers: forwarded } }), pathname, csp);
}

function withHeaders(response: NextResponse, pathname: string, csp: string | null): NextResponse {
  for (const [name, value] of Object.entries(securityHeadersFor(pathname))) response.headers.set(name, value);
  if (csp) response.headers.set('Content-Security-Policy', csp);
  if (isPrivatePath(pathname)) response.headers.set('Cache-Control', 'private, no-store');
  return response;
}

export const config = {
  // Static build assets carry no data and need no nonce; API routes guard themselves.
  matcher: ['/((?!api/|healthz|readyz|metrics|_next/static|_next/image|favicon.ico).*)'],
};
