import 'server-only';
import { config } from '@/lib/config';
import type { ShareBodyInput } from '@/lib/contract/requests';
import { HopscopeError, badRequest, notFound } from '@/lib/errors';
import type { ShareAnswer } from '@/lib/types';
import { currentState } from '@/lib/services/state';
import { freezeSnapshot, rehomeImported } from './freeze';
import { parseSnapshotText, type Snapshot, type SnapshotSummary } from './schema';
import { snapshotStore } from './stores';

// What the snapshot routes and the /s/[id] page call: current state → snapshot → store, and back.

export type ShareOptions = Partial<ShareBodyInput>;

/**
 * POST /api/v1/snapshots: freezes the current state of a source (the default one when no context/scenario is
 * given), stores it, and answers with where the new snapshot lives.
 */
export async function share(options: ShareOptions, origin: string): Promise<ShareAnswer> {
  const { entry, redact, redactNodeNames, ...source } = options;
  const state = await currentState(source);
  const snapshot = freezeSnapshot(state, { entry, redact, redactNodeNames, appVersion: config().version });
  await snapshotStore().put(snapshot);
  return shareAnswer(snapshot, origin);
}

/** POST /api/v1/snapshots/import: validates an uploaded snapshot file and stores it under a new id. */
export async function importSnapshot(text: string, origin: string): Promise<ShareAnswer> {
  const parsed = parseSnapshotText(text);
  if (!parsed.ok) {
    const hint = 'upload a file saved with "Export JSON" from a hopscope snapshot page';
    if (parsed.problem === 'json') throw badRequest(parsed.message, hint);
    throw new HopscopeError('snapshot_invalid', parsed.message, hint);
  }
  const snapshot = rehomeImported(parsed.snapshot);
  await snapshotStore().put(snapshot);
  return shareAnswer(snapshot, origin);
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

export async function listSnapshots(): Promise<SnapshotSummary[]> {
  return snapshotStore().list();
}

/** GET /api/v1/snapshots (admin): every stored snapshot with its share link, newest first. */
export async function listSnapshotLinks(origin: string): Promise<{ snapshots: (SnapshotSummary & { url: string })[] }> {
  const snapshots = await listSnapshots();
  return { snapshots: snapshots.map((s) => ({ ...s, url: snapshotUrl(s.id, origin) })) };
}

export async function deleteSnapshot(id: string): Promise<{ id: string; deleted: true }> {
  if (!(await snapshotStore().delete(id))) throw unknownSnapshot(id);
  return { id, deleted: true };
}

/** The share link: HOPSCOPE_PUBLIC_URL when set (hopscope behind an Ingress), else the origin the request came to. */
export function snapshotUrl(id: string, origin: string, publicUrl: string | null = config().publicUrl): string {
  const base = publicUrl ?? origin;
  // Relative to a base with a trailing slash, so a path prefix in the public URL (…/hopscope/) is kept.
  return new URL(`s/${id}`, base.endsWith('/') ? base : `${base}/`).toString();
}

/** The answer to a share or an import: where the new snapshot lives. */
function shareAnswer(snapshot: Snapshot, origin: string): ShareAnswer {
  return { id: snapshot.id, url: snapshotUrl(snapshot.id, origin), createdAt: snapshot.createdAt, redacted: snapshot.redacted };
}
