import { describe, expect, it } from 'vitest';
import { freezeSnapshot, rehomeImported } from './freeze';
import { isSnapshotId } from './ids';
import { SnapshotSchema } from './schema';
import { SAMPLE_ADDRESSES, sampleInventory, samplePath, sampleSnapshot, sampleTrace } from './testdata/sample';

const state = { inventory: sampleInventory, paths: [samplePath], whatIf: [], trace: sampleTrace };
const now = new Date('2025-02-01T12:00:00.000Z');

describe('freezeSnapshot', () => {
  it('records source, version, time and selection around the frozen state', () => {
    const snapshot = freezeSnapshot(state, { appVersion: '1.2.3', entry: samplePath.id, now });
    expect(SnapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(isSnapshotId(snapshot.id)).toBe(true);
    expect(snapshot).toMatchObject({
      schemaVersion: 1,
      createdAt: now.toISOString(),
      storedAt: now.toISOString(),
      appVersion: '1.2.3',
      context: 'lab',
      sourceMode: 'kubeconfig',
      redacted: false,
      entry: samplePath.id,
      inventory: sampleInventory,
      paths: [samplePath],
      trace: sampleTrace,
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
    const stray = { ...sampleTrace.paths[0]!, pathId: 'nodePort:gone/gone:30000' };
    const snapshot = freezeSnapshot({ ...state, trace: { ...sampleTrace, paths: [...sampleTrace.paths, stray] } }, { appVersion: '1', now });
    expect(snapshot.trace!.paths.map((p) => p.pathId)).toEqual([samplePath.id]);
  });

  it('redacts on request, keeping the selected entry consistent with the masked path ids', () => {
    const snapshot = freezeSnapshot(state, { appVersion: '1', entry: samplePath.id, redact: true, redactNodeNames: true, now });
    const text = JSON.stringify(snapshot);
    expect(snapshot.redacted).toBe(true);
    for (const address of SAMPLE_ADDRESSES) expect(text).not.toContain(address);
    expect(snapshot.paths.map((p) => p.id)).toContain(snapshot.entry);
  });
});

describe('rehomeImported', () => {
  it('assigns a new id and store time and keeps the content', () => {
    const original = sampleSnapshot();
    const imported = rehomeImported(original, now);
    expect(imported.id).not.toBe(original.id);
    expect(isSnapshotId(imported.id)).toBe(true);
    expect(imported).toEqual({ ...original, id: imported.id, storedAt: now.toISOString() });
  });
});
