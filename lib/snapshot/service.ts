import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SourceQueryInput } from '@/lib/api';
import { config } from '@/lib/config';
import { HopscopeError, badRequest, notFound } from '@/lib/errors';
import { readBodyText } from './body';
import { currentState } from './current';
import { freezeSnapshot, rehomeImported } from './freeze';
import { MAX_SNAPSHOT_BYTES } from './limits';
import { parseSnapshotText, type Snapshot, type SnapshotSummary } from './schema';
import { snapshotStore } from './stores';

// What the snapshot routes and the /s/[id] page call: current state → snapshot → store, and back.

export interface ShareOptions extends SourceQueryInput {
  entry?: string | null;
  redact?: boolean;
  redactNodeNames?: boolean;
}

/** Freezes the current state of a source (the default one when no context/scenario is given) and stores it. */
export async function shareCurrentState(options: ShareOptions): Promise<Snapshot> {
  const { entry, redact, redactNodeNames, ...source } = options;
  const state = await currentState(source);
  const snapshot = freezeSnapshot(state, { entry, redact, redactNodeNames, appVersion: config().version });
  await snapshotStore().put(snapshot);
  return snapshot;
}

/** Validates an uploaded snapshot file (the body of the request) and stores it under a new id. */
export async function importSnapshot(request: Request): Promise<Snapshot> {
  const parsed = parseSnapshotText(await readBodyText(request, MAX_SNAPSHOT_BYTES));
  if (!parsed.ok) {
    const hint = 'upload a file saved with "Export JSON" from a hopscope snapshot page';
    if (parsed.problem === 'json') throw badRequest(parsed.message, hint);
    throw new HopscopeError('snapshot_invalid', parsed.message, 422, hint);
  }
  const snapshot = rehomeImported(parsed.snapshot);
  await snapshotStore().put(snapshot);
  return snapshot;
}

const unknownSnapshot = (id: string) =>
  notFound(`no snapshot with id "${id}"`, 'the link may be mistyped, or the snapshot expired under the retention policy');

export async function getSnapshot(id: string): Promise<Snapshot> {
  const snapshot = await snapshotStore().get(id);
  if (!snapshot) throw unknownSnapshot(id);
  return snapshot;
}

/** For the page: null instead of an error, so it can render Next's not-found page. */
export async function findSnapshot(id: string): Promise<Snapshot | null> {
  return snapshotStore().get(id);
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
  if (presented === undefined) throw new HopscopeError('unauthorized', 'listing and deleting snapshots needs the admin token', 401, hint);
  // Digests have equal length, so the comparison takes the same time whatever was sent.
  if (!timingSafeEqual(digest(presented), digest(token))) {
    throw new HopscopeError('forbidden', 'the admin token does not match', 403, hint);
  }
}

export async function listSnapshots(): Promise<SnapshotSummary[]> {
  return snapshotStore().list();
}

export async function deleteSnapshot(id: string): Promise<void> {
  if (!(await snapshotStore().delete(id))) throw unknownSnapshot(id);
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

/** The share link: HOPSCOPE_PUBLIC_URL when set (hopscope behind an Ingress), else the origin the request came to. */
export function snapshotUrl(id: string, request: Request, publicUrl: string | null = config().publicUrl): string {
  const base = publicUrl ?? requestOrigin(request);
  // Relative to a base with a trailing slash, so a path prefix in the public URL (…/hopscope/) is kept.
  return new URL(`s/${id}`, base.endsWith('/') ? base : `${base}/`).toString();
}

/** The answer to a share or an import: where the new snapshot lives. */
export function shareAnswer(snapshot: Snapshot, request: Request) {
  return { id: snapshot.id, url: snapshotUrl(snapshot.id, request), createdAt: snapshot.createdAt, redacted: snapshot.redacted };
}
