import { describe, expect, it } from 'vitest';
import { SAMPLE_ADDRESSES, sampleSnapshot, snapshotEntry, snapshotInventory, snapshotPaths, snapshotTrace } from '@/test/support/samples';
import { freezeSnapshot, rehomeImported } from './freeze';
import { isSnapshotId } from './ids';
import { SnapshotSchema } from './schema';

const state = { inventory: snapshotInventory, paths: snapshotPaths, whatIf: [], trace: snapshotTrace };
const now = new Date('2025-02-01T12:00:00.000Z');

describe('freezeSnapshot', () => {
  it('records source, version, time and selection around the frozen state', () => {
    const snapshot = freezeSnapshot(state, { appVersion: '1.2.3', entry: snapshotEntry.id, now });
    expect(SnapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(isSnapshotId(snapshot.id)).toBe(true);
    expect(snapshot).toMatchObject({
      schemaVersion: 1,
      createdAt: now.toISOString(),
      storedAt: now.toISOString(),
      appVersion: '1.2.3',
      context: 'bare-metal',
      sourceMode: 'kubeconfig',
      redacted: false,
      entry: snapshotEntry.id,
      inventory: snapshotInventory,
      paths: snapshotPaths,
      trace: snapshotTrace,
    });
  });

  it('gives every snapshot its own id', () => {
    const ids = new Set(Array.from({ length: 20 }, () => freezeSnapshot(state, { appVersion: '1', now }).id));
    expect(ids.size).toBe(20);
  });

  it('refuses an entry that is not one of the paths', () => {
    expect(() => freezeSnapshot(state, { appVersion: '1', entry: 'nodePort:x/y:1' })).toThrow(
      expect.objectContaining({ status: 400, message: expect.stringMatching(/not a path of this source/) }),
    );
  });

  it('keeps only trace results of the frozen paths', () => {
    const stray = { ...snapshotTrace.paths[0]!, pathId: 'nodePort:gone/gone:30000' };
    const trace = { ...snapshotTrace, paths: [...snapshotTrace.paths, stray] };
    const all = freezeSnapshot({ ...state, trace }, { appVersion: '1', now });
    expect(all.trace!.paths.map((p) => p.pathId)).toEqual(snapshotPaths.map((p) => p.id));
    const one = freezeSnapshot({ ...state, paths: [snapshotEntry], trace }, { appVersion: '1', now });
    expect(one.trace!.paths.map((p) => p.pathId)).toEqual([snapshotEntry.id]);
  });

  it('redacts on request, keeping the selected entry consistent with the masked path ids', () => {
    const snapshot = freezeSnapshot(state, { appVersion: '1', entry: snapshotEntry.id, redact: true, redactNodeNames: true, now });
    const text = JSON.stringify(snapshot);
    expect(snapshot.redacted).toBe(true);
    for (const address of SAMPLE_ADDRESSES) expect(text).not.toContain(address);
    expect(snapshot.entry).not.toBe(snapshotEntry.id);
    expect(snapshot.paths.map((p) => p.id)).toContain(snapshot.entry);
  });
});

describe('rehomeImported', () => {
  it('assigns a new id and store time, marks the import and keeps the content', () => {
    const original = sampleSnapshot();
    const imported = rehomeImported(original, now);
    expect(imported.id).not.toBe(original.id);
    expect(isSnapshotId(imported.id)).toBe(true);
    expect(imported).toEqual({ ...original, id: imported.id, storedAt: now.toISOString(), imported: { at: now.toISOString(), originalId: original.id } });
    expect(SnapshotSchema.safeParse(imported).success).toBe(true);
  });

  it('replaces whatever import record the file brought', () => {
    const forged = sampleSnapshot({ imported: { at: '2020-01-01T00:00:00.000Z', originalId: 'AAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(rehomeImported(forged, now).imported).toEqual({ at: now.toISOString(), originalId: forged.id });
    // And a file without the field, as older exports are, still comes in marked.
    const { imported: _none, ...old } = sampleSnapshot();
    expect(rehomeImported(old, now).imported).toEqual({ at: now.toISOString(), originalId: old.id });
  });

  it('redacts a file that claims to be redacted, so the claim holds for what is stored', () => {
    const claim = sampleSnapshot({ redacted: true });
    const stored = rehomeImported(claim, now);
    expect(stored.redacted).toBe(true);
    const text = JSON.stringify(stored);
    for (const address of SAMPLE_ADDRESSES) expect(text).not.toContain(address);
    expect(stored.imported).toEqual({ at: now.toISOString(), originalId: claim.id });
  });

  it('leaves a truly redacted file as it was', () => {
    const redacted = freezeSnapshot(state, { appVersion: '1', entry: snapshotEntry.id, redact: true, now });
    const { id: _a, storedAt: _b, imported: _c, ...content } = rehomeImported(redacted, now);
    const { id: _d, storedAt: _e, ...original } = redacted;
    expect(content).toEqual(original);
  });
});
