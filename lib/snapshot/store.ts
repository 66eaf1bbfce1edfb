import type { Snapshot, SnapshotSummary } from './schema';

/** How many snapshots a store keeps; applied after every write. */
export interface RetentionPolicy {
  maxCount: number;
  /** 0 keeps snapshots regardless of age. */
  maxAgeDays: number;
}

/** Where snapshots live. Both implementations pass the same contract suite (store.contract.ts). */
export interface SnapshotStore {
  readonly kind: 'file' | 'configmap';
  /** Validates and writes the snapshot, then prunes by the store's retention policy. */
  put(snapshot: Snapshot): Promise<void>;
  /** null when no snapshot has this id (malformed ids included). */
  get(id: string): Promise<Snapshot | null>;
  /** Newest first (by storedAt). */
  list(): Promise<SnapshotSummary[]>;
  /** false when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
  /** Deletes what the retention policy no longer keeps; returns the deleted ids. */
  prune(now?: Date): Promise<string[]>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Newest first by storedAt; ids break ties so the order is total. */
export function newestFirst(a: SnapshotSummary, b: SnapshotSummary): number {
  const byTime = Date.parse(b.storedAt) - Date.parse(a.storedAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Which snapshots fall outside the policy: older than maxAgeDays, or beyond the newest maxCount. */
export function idsToPrune(summaries: readonly SnapshotSummary[], policy: RetentionPolicy, now: Date): string[] {
  const oldestKept = policy.maxAgeDays > 0 ? now.getTime() - policy.maxAgeDays * DAY_MS : -Infinity;
  return [...summaries]
    .sort(newestFirst)
    .filter((summary, index) => index >= policy.maxCount || Date.parse(summary.storedAt) < oldestKept)
    .map((summary) => summary.id);
}

/** Deletes what the policy no longer keeps; a snapshot deleted meanwhile by a concurrent prune is not reported. */
export async function pruneByPolicy(
  store: Pick<SnapshotStore, 'list' | 'delete'>,
  policy: RetentionPolicy,
  now: Date,
): Promise<string[]> {
  const doomed = idsToPrune(await store.list(), policy, now);
  const deleted = await Promise.all(doomed.map(async (id) => ((await store.delete(id)) ? id : null)));
  return deleted.filter((id): id is string => id !== null);
}
