// `hopscope diff`: two sets of manifests predicted as `check` predicts them, and for every path whose verdict
// changes, the fields of the objects along it that changed, so a review sees which line made a path worse. A
// verdict getting worse (lib/model/verdict.ts) is a regression: exit 1. Comparison and rendering are pure.
import { isDeepStrictEqual } from 'node:util';
import { worseVerdict } from '../model/verdict';
import type { NetPath, ObjectRef, Verdict } from '../types';
import { DEFAULT_ASSUMPTIONS, objectKey } from './assume';
import { checkManifests, type CheckResult } from './check';
import { EXIT } from './args';
import type { DiffCommand } from './commands';
import { painter, plural, useColour, type Paint } from './format';
import { readManifests, type Location, type ManifestSet } from './manifests';
import type { CliIo } from './probe';
import { terminalText } from './text';

export interface FieldChange {
  object: ObjectRef;
  /** Where the object is written after the change (before, when it was removed). */
  at: Location;
  /** Dotted path into the object ("spec.externalTrafficPolicy"); "" when the whole object appeared or went. */
  field: string;
  before: unknown;
  after: unknown;
}

export interface VerdictChange {
  pathId: string;
  before: Verdict;
  after: Verdict;
  regression: boolean;
  changes: FieldChange[];
}

export interface PathsDiff {
  changed: VerdictChange[];
  added: { pathId: string; verdict: Verdict }[];
  removed: { pathId: string; verdict: Verdict }[];
  regressions: number;
}

/** Bookkeeping the apiserver writes, which no one changes in a manifest on purpose. */
const NOISE = new Set(['metadata.resourceVersion', 'metadata.uid', 'metadata.generation', 'metadata.managedFields', 'metadata.creationTimestamp']);
const MAX_UNRELATED = 5;

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf fields that differ between two versions of one object; lists compare whole. */
export function fieldChanges(before: unknown, after: unknown, prefix = ''): { field: string; before: unknown; after: unknown }[] {
  if (NOISE.has(prefix)) return [];
  if (isPlain(before) && isPlain(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return isDeepStrictEqual(before, after) ? [] : [{ field: prefix, before, after }];
}

type Located = Map<string, { object: Record<string, unknown>; at: Location; ref: ObjectRef }>;

function located(set: ManifestSet): Located {
  return new Map(
    set.objects.map(({ object, at }) => [
      objectKey(object.kind, object.metadata.namespace, object.metadata.name),
      { object, at, ref: { kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name } },
    ]),
  );
}

function objectChanges(key: string, before: Located, after: Located): FieldChange[] {
  const a = before.get(key);
  const b = after.get(key);
  if (!a && !b) return [];
  if (!a || !b) {
    const one = (a ?? b)!;
    return [{ object: one.ref, at: one.at, field: '', before: a ? 'present' : 'absent', after: b ? 'present' : 'absent' }];
  }
  return fieldChanges(a.object, b.object).map((c) => ({ object: b.ref, at: b.at, ...c }));
}

const pathObjectKeys = (p: NetPath | undefined) => (p ? p.hops.flatMap((h) => h.objects.map((o) => objectKey(o.kind, o.namespace, o.name))) : []);

export function diffPaths(before: CheckResult, after: CheckResult, beforeSet: ManifestSet, afterSet: ManifestSet): PathsDiff {
  const a = new Map(before.paths.map((p) => [p.id, p]));
  const b = new Map(after.paths.map((p) => [p.id, p]));
  const objectsBefore = located(beforeSet);
  const objectsAfter = located(afterSet);
  const allChanged = [...new Set([...objectsBefore.keys(), ...objectsAfter.keys()])].sort().flatMap((k) => objectChanges(k, objectsBefore, objectsAfter));
  const changed: VerdictChange[] = [];
  for (const [id, pa] of a) {
    const pb = b.get(id);
    if (!pb || pb.verdict === pa.verdict) continue;
    const keys = new Set([...pathObjectKeys(pa), ...pathObjectKeys(pb)]);
    const along = [...keys].sort().flatMap((k) => objectChanges(k, objectsBefore, objectsAfter));
    // A change off the path (a MetalLB pool, kube-proxy's ConfigMap) can still move its verdict: show those then.
    const changes = along.length > 0 ? along : allChanged.slice(0, MAX_UNRELATED);
    changed.push({ pathId: id, before: pa.verdict, after: pb.verdict, regression: worseVerdict(pa.verdict, pb.verdict) === pb.verdict, changes });
  }
  return {
    changed,
    added: after.paths.filter((p) => !a.has(p.id)).map((p) => ({ pathId: p.id, verdict: p.verdict })),
    removed: before.paths.filter((p) => !b.has(p.id)).map((p) => ({ pathId: p.id, verdict: p.verdict })),
    regressions: changed.filter((c) => c.regression).length,
  };
}

const valueText = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v));

export function renderDiff(diff: PathsDiff, paint: Paint): string {
  const t = terminalText;
  const lines: string[] = [];
  for (const c of [...diff.changed].sort((x, y) => Number(y.regression) - Number(x.regression) || (x.pathId < y.pathId ? -1 : 1))) {
    lines.push(`${c.regression ? 'WORSE ' : 'better'} ${paint(c.before)} → ${paint(c.after)}  ${t(c.pathId)}`);
    for (const f of c.changes) {
      const object = `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;
      const change = f.field === '' ? `${f.before} → ${f.after}` : `${f.field}: ${valueText(f.before)} → ${valueText(f.after)}`;
      lines.push(`    ${t(object)} (${t(f.at.file)}:${f.at.line}) ${t(change)}`);
    }
  }
  for (const p of diff.added) lines.push(`new    ${paint(p.verdict)}  ${t(p.pathId)}`);
  for (const p of diff.removed) lines.push(`gone   ${paint(p.verdict)}  ${t(p.pathId)}`);
  const better = diff.changed.length - diff.regressions;
  lines.push(
    `${lines.length > 0 ? '\n' : ''}${plural(diff.regressions, 'path')} worse, ${better} better, ${diff.added.length} new, ${diff.removed.length} gone`,
  );
  return `${lines.join('\n')}\n`;
}

export async function runDiff(command: DiffCommand, io: CliIo): Promise<number> {
  const stdin = io.readStdin ?? (() => Promise.resolve(''));
  const beforeSet = await readManifests([command.before], stdin);
  const afterSet = await readManifests([command.after], stdin);
  // Both sides under the same assumptions, so only what the manifests change can change a verdict.
  const before = checkManifests(beforeSet, DEFAULT_ASSUMPTIONS, []);
  const after = checkManifests(afterSet, DEFAULT_ASSUMPTIONS, []);
  const diff = diffPaths(before, after, beforeSet, afterSet);
  io.out(command.json ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff, painter(useColour(io))));
  return diff.regressions > 0 ? EXIT.differs : EXIT.matches;
}
