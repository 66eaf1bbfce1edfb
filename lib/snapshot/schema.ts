import type { z } from 'zod';
import { HopscopeError } from '@/lib/errors';
import { SNAPSHOT_SCHEMA_VERSION, SnapshotSchema } from '@/lib/contract/schemas';
import type { Snapshot } from '@/lib/types';

// Reading snapshots back: from disk, from a ConfigMap or from a file someone uploads, each checked against the
// contract's SnapshotSchema (lib/contract/schemas.ts).
export { SNAPSHOT_SCHEMA_VERSION, SnapshotIdSchema, SnapshotSchema } from '@/lib/contract/schemas';
export type { Snapshot, SnapshotSummary } from '@/lib/types';

/** Turns zod issues into one readable line per problem, with the JSON path, for API errors and the import page. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - lines.length;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}

export type SnapshotParseResult =
  | { ok: true; snapshot: Snapshot }
  | { ok: false; problem: 'json' | 'version' | 'schema'; message: string };

/** Parses snapshot JSON text and validates it against schema version 1, with a message a person can act on. */
export function parseSnapshotText(text: string): SnapshotParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, problem: 'json', message: `not valid JSON (truncated or not a snapshot file?): ${detail}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problem: 'schema', message: 'not a snapshot: expected a JSON object' };
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SNAPSHOT_SCHEMA_VERSION) {
    return {
      ok: false,
      problem: 'version',
      message: `unsupported snapshot schemaVersion ${JSON.stringify(version ?? null)}; this hopscope reads version ${SNAPSHOT_SCHEMA_VERSION}`,
    };
  }
  const parsed = SnapshotSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: 'schema', message: `snapshot does not match schema version 1: ${describeIssues(parsed.error)}` };
  return { ok: true, snapshot: parsed.data };
}

/** Reads a snapshot back from a store; garbage there is a server fault and reported as one. */
export function parseStoredSnapshot(text: string, where: string): Snapshot {
  const result = parseSnapshotText(text);
  if (!result.ok) throw new HopscopeError('snapshot_corrupt', `stored snapshot (${where}) is unreadable: ${result.message}`);
  return result.snapshot;
}
