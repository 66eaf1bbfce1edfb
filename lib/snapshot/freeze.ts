import type { ClusterInventory, NetPath, TraceRun } from '@/lib/types';
import { badRequest } from '@/lib/errors';
import { newSnapshotId } from './ids';
import { redactSnapshot } from './redact';
import { SNAPSHOT_SCHEMA_VERSION, SnapshotSchema, type Snapshot } from './schema';

/** Everything the dashboard shows for one source at one moment. */
export interface DashboardState {
  inventory: ClusterInventory;
  paths: NetPath[];
  whatIf: string[];
  /** The last trace of this source, if one ran. */
  trace: TraceRun | null;
}

export interface FreezeOptions {
  /** Path id selected when sharing; must be one of the state's paths. */
  entry?: string | null;
  redact?: boolean;
  /** With redact: mask node names too. */
  redactNodeNames?: boolean;
  appVersion: string;
  now?: Date;
}

/** Turns the current state into a validated snapshot with a fresh id, redacted when asked. */
export function freezeSnapshot(state: DashboardState, options: FreezeOptions): Snapshot {
  const entry = options.entry ?? null;
  if (entry !== null && !state.paths.some((path) => path.id === entry)) {
    throw badRequest(`entry "${entry}" is not a path of this source`, 'pick a path id from GET /api/v1/paths');
  }
  const now = (options.now ?? new Date()).toISOString();
  // A trace of other paths (or an older path set) would show observations next to the wrong hops.
  const pathIds = new Set(state.paths.map((path) => path.id));
  const trace = state.trace && { ...state.trace, paths: state.trace.paths.filter((p) => pathIds.has(p.pathId)) };
  const snapshot = SnapshotSchema.parse({
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    id: newSnapshotId(),
    createdAt: now,
    storedAt: now,
    appVersion: options.appVersion,
    context: state.inventory.source.context,
    sourceMode: state.inventory.source.mode,
    redacted: false,
    entry,
    inventory: state.inventory,
    paths: state.paths,
    whatIf: state.whatIf,
    trace,
  });
  return options.redact ? redactSnapshot(snapshot, { nodeNames: options.redactNodeNames ?? false }).snapshot : snapshot;
}

/**
 * A snapshot brought in from a file gets a fresh id, enters the store now and is marked imported: whatever the file
 * said about an import is replaced, so a crafted file cannot pass for a state this server froze. Its content stays as
 * it was, except that a file that claims to be redacted is redacted again, so the claim holds for what is stored.
 */
export function rehomeImported(snapshot: Snapshot, now: Date = new Date()): Snapshot {
  const at = now.toISOString();
  const { imported: _claimed, ...content } = snapshot;
  const rehomed: Snapshot = { ...content, id: newSnapshotId(), storedAt: at, imported: { at, originalId: snapshot.id } };
  return rehomed.redacted ? redactSnapshot(rehomed).snapshot : rehomed;
}
