import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PathsQuery, WhatIfParams, type PathsQueryInput } from './contract/requests';
import { config } from './config';
import { badRequest, HopscopeError, toErrorResponse } from './errors';
import { readBodyText } from './http/body';
import { refusalOf, SECURITY_HEADERS } from './http/guard';
import { log } from './log';

/** Parses URL search params with a zod schema; failures become a 400 in the error envelope. */
export function parseQuery<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** JSON bodies the API takes (trace requests, share options) are small; snapshot files have their own limit. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** Parses a JSON body with a zod schema; an empty body counts as `{}`. `hint` tells the caller how to fix a refusal. */
export async function parseBody<T extends z.ZodType>(request: Request, schema: T, hint: string | null = null): Promise<z.infer<T>> {
  const text = await readBodyText(request, MAX_JSON_BODY_BYTES);
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw badRequest('request body is not valid JSON', hint);
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), hint);
  }
  return parsed.data;
}

/** The paths query: filters and source from the query string, plus every ?whatIf= value (each may be a comma list). */
export function parsePathsQuery(request: Request): PathsQueryInput {
  const query = parseQuery(request, PathsQuery);
  const whatIf = WhatIfParams.safeParse(new URL(request.url).searchParams.getAll('whatIf'));
  if (!whatIf.success) throw badRequest('whatIf: at most 32 values of up to 2000 characters');
  return { ...query, whatIf: whatIf.data };
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** First value of a possibly comma-joined proxy header. */
const firstValue = (value: string | null) => value?.split(',')[0]?.trim() || null;

/**
 * The origin the browser used: the (forwarded) Host header, since Next's standalone server reports its own listen
 * address in request.url. Only a well-formed host is taken; the link goes back to the same requester only.
 */
export function requestOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = firstValue(request.headers.get('x-forwarded-host')) ?? request.headers.get('host');
  const forwardedProto = firstValue(request.headers.get('x-forwarded-proto'));
  const protocol = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.slice(0, -1);
  return host && HOST.test(host) ? `${protocol}://${host}` : url.origin;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Listing and deleting are for whoever runs hopscope: the list holds every share link. With an admin token
 * configured they need `Authorization: Bearer <token>`; without one they stay open (a local, single-user run).
 */
export function requireSnapshotAdmin(request: Request, token: string | null = config().snapshotAdminToken): void {
  if (token === null) return;
  const hint = 'send the token set in HOPSCOPE_SNAPSHOT_ADMIN_TOKEN as "Authorization: Bearer <token>"';
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (presented === undefined) throw new HopscopeError('unauthorized', 'listing and deleting snapshots needs the admin token', hint);
  // Digests have equal length, so the comparison takes the same time whatever was sent.
  if (!timingSafeEqual(digest(presented), digest(token))) {
    throw new HopscopeError('forbidden', 'the admin token does not match', hint);
  }
}

/** Wraps a route handler so that every failure leaves through the one error envelope. */
/** API answers hold cluster data: private, never cached, not embeddable by other sites. */
function withApiHeaders(response: Response): Response {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set('Cache-Control', 'private, no-store');
  return response;
}

/**
 * Wraps a route handler: the request passes the Host and same-origin rules first (lib/http/guard.ts; checked here
 * rather than in proxy.ts, which would buffer every body up to 10 MB before a route could refuse it), and every
 * failure leaves through the one error envelope.
 */
export function handler<Args extends unknown[]>(fn: (request: Request, ...args: Args) => Promise<Response> | Response) {
  return async (request: Request, ...args: Args): Promise<Response> => {
    try {
      const url = new URL(request.url);
      // HTTP/1.0 clients may send no Host; then the address they connected to stands in for it.
      const headers = request.headers.has('host') ? request.headers : new Headers([...request.headers, ['host', url.host]]);
      const refusal = refusalOf(request.method, url.pathname, headers, config().allowedHosts);
      if (refusal) throw new HopscopeError(refusal.code, refusal.message, refusal.hint);
      return withApiHeaders(await fn(request, ...args));
    } catch (err) {
      // A client that went away stopped its discovery (request.signal): nobody reads the answer, nothing failed.
      if (request.signal.aborted && err === request.signal.reason) log().debug({ url: request.url }, 'client went away');
      // Unexpected failures keep their stack in the server log; the client only gets the envelope.
      else if (!(err instanceof HopscopeError)) log().error({ err, url: request.url }, 'request failed');
      else if (err.status >= 500) log().warn({ code: err.code, url: request.url }, err.message);
      return withApiHeaders(toErrorResponse(err));
    }
  };
}
