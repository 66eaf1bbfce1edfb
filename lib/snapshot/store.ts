import type { Snapshot, SnapshotSummary } from './schema';

/** How many snapshots a store keeps; applied on every write. */
export interface RetentionPolicy {
  maxCount: number;
  /** 0 keeps snapshots regardless of age. */
  maxAgeDays: number;
}

/** Where snapshots live. Both implementations pass the same contract suite (store.contract.ts). */
export interface SnapshotStore {
  readonly kind: 'file' | 'configmap';
  /**
   * Validates and writes the snapshot and applies the store's retention policy. Once the snapshot is written the put
   * succeeds: a failure while pruning is reported to the store's `warn`, not thrown.
   */
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

/** Where a store reports what went wrong after a write had already succeeded (the server passes its logger). */
export type StoreWarn = (message: string, fields: Record<string, unknown>) => void;

/** Without a logger (tests, the write-loop child): one JSON line on stderr. */
export const warnOnStderr: StoreWarn = (message, fields) => {
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg: message, ...fields })}\n`);
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** What retention looks at. */
export type Retained = Pick<SnapshotSummary, 'id' | 'storedAt'>;

/** Newest first by storedAt; ids break ties so the order is total. */
export function newestFirst(a: Retained, b: Retained): number {
  const byTime = Date.parse(b.storedAt) - Date.parse(a.storedAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Which snapshots fall outside the policy: older than maxAgeDays, or beyond the newest maxCount. */
export function idsToPrune(summaries: readonly Retained[], policy: RetentionPolicy, now: Date): string[] {
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
