import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HopscopeError } from '@/lib/errors';
import { sampleSnapshot } from '@/test/support/samples';
import { newSnapshotId } from './ids';
import { MAX_SNAPSHOT_BYTES } from './limits';
import type { Snapshot } from './schema';
import type { RetentionPolicy, SnapshotStore } from './store';

// One behaviour, two stores: file-store.test.ts and configmap-store.test.ts both run this suite.

const DAY_MS = 24 * 60 * 60 * 1000;
const KEEP_ALL: RetentionPolicy = { maxCount: 1000, maxAgeDays: 0 };

const storedAgo = (ms: number, base = Date.now()) => new Date(base - ms).toISOString();

/** A snapshot stored `index` seconds after a fixed base, so list order is known. */
function nthSnapshot(index: number): Snapshot {
  return sampleSnapshot({ storedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, index)).toISOString(), context: `ctx-${index}` });
}

export function describeSnapshotStoreContract(
  name: string,
  makeStore: (retention: RetentionPolicy) => Promise<SnapshotStore> | SnapshotStore,
) {
  describe(`${name}: SnapshotStore contract`, () => {
    it('returns exactly what was put', async () => {
      const store = await makeStore(KEEP_ALL);
      const snapshot = sampleSnapshot();
      await store.put(snapshot);
      expect(await store.get(snapshot.id)).toEqual(snapshot);
    });

    it.each([
      ['an unknown id', newSnapshotId()],
      ['a path traversal', '../../../../etc/passwd'],
      ['an empty id', ''],
      ['a too short id', 'abc'],
      ['a ConfigMap name', 'hopscope-snapshot-00'],
    ])('answers null for %s', async (_label, id) => {
      const store = await makeStore(KEEP_ALL);
      expect(await store.get(id)).toBeNull();
      expect(await store.delete(id)).toBe(false);
    });

    it('lists newest first with the summary fields', async () => {
      const store = await makeStore(KEEP_ALL);
      const snapshots = [nthSnapshot(2), nthSnapshot(0), nthSnapshot(1)];
      for (const s of snapshots) await store.put(s);
      const list = await store.list();
      expect(list.map((s) => s.context)).toEqual(['ctx-2', 'ctx-1', 'ctx-0']);
      expect(list[0]).toEqual({
        id: snapshots[0]!.id,
        createdAt: snapshots[0]!.createdAt,
        storedAt: snapshots[0]!.storedAt,
        context: 'ctx-2',
        redacted: false,
        entry: snapshots[0]!.entry,
      });
    });

    it('lists a redacted snapshot without a selected entry as such', async () => {
      const store = await makeStore(KEEP_ALL);
      const snapshot = sampleSnapshot({ redacted: true, entry: null });
      await store.put(snapshot);
      const [summary] = await store.list();
      expect(summary).toMatchObject({ id: snapshot.id, redacted: true, entry: null });
    });

    it('lists an imported snapshot as imported', async () => {
      const store = await makeStore(KEEP_ALL);
      const original = sampleSnapshot();
      const imported = { ...sampleSnapshot(), imported: { at: '2030-01-02T03:04:05.000Z', originalId: original.id } };
      await store.put(imported);
      await store.put(original);
      const list = await store.list();
      expect(list.find((s) => s.id === imported.id)?.imported).toEqual(imported.imported);
      expect(list.find((s) => s.id === original.id)).not.toHaveProperty('imported');
      expect(await store.get(imported.id)).toEqual(imported);
    });

    it('deletes once', async () => {
      const store = await makeStore(KEEP_ALL);
      const snapshot = sampleSnapshot();
      await store.put(snapshot);
      expect(await store.delete(snapshot.id)).toBe(true);
      expect(await store.get(snapshot.id)).toBeNull();
      expect(await store.delete(snapshot.id)).toBe(false);
      expect(await store.list()).toEqual([]);
    });

    it('keeps only the newest maxCount snapshots, pruning on write', async () => {
      const store = await makeStore({ maxCount: 3, maxAgeDays: 0 });
      const snapshots = [0, 1, 2, 3, 4].map(nthSnapshot);
      for (const s of snapshots) await store.put(s);
      expect((await store.list()).map((s) => s.id)).toEqual([snapshots[4]!.id, snapshots[3]!.id, snapshots[2]!.id]);
      expect(await store.get(snapshots[0]!.id)).toBeNull();
    });

    it('drops snapshots older than maxAgeDays on the next write, and prune reports what it removed', async () => {
      const store = await makeStore({ maxCount: 100, maxAgeDays: 30 });
      const now = Date.now();
      const old = sampleSnapshot({ storedAt: storedAgo(31 * DAY_MS, now) });
      const recent = sampleSnapshot({ storedAt: storedAgo(29 * DAY_MS, now) });
      await store.put(old);
      expect(await store.get(old.id)).toBeNull();
      await store.put(recent);
      expect(await store.prune(new Date(now))).toEqual([]);
      expect(await store.prune(new Date(now + 2 * DAY_MS))).toEqual([recent.id]);
      expect(await store.list()).toEqual([]);
    });

    it('refuses a snapshot that does not match the schema', async () => {
      const store = await makeStore(KEEP_ALL);
      const broken = { ...sampleSnapshot(), paths: [{ id: 'x' }] } as unknown as Snapshot;
      await expect(store.put(broken)).rejects.toThrow(/paths/);
      expect(await store.list()).toEqual([]);
    });

    it('refuses an oversized snapshot with a 413 error that says the size and the limit', async () => {
      const store = await makeStore(KEEP_ALL);
      const huge = sampleSnapshot({ whatIf: [randomBytes(MAX_SNAPSHOT_BYTES).toString('base64url')] });
      const error = await store.put(huge).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(HopscopeError);
      expect(error).toMatchObject({ status: 413, code: 'snapshot_too_large' });
      expect((error as HopscopeError).message).toMatch(/MiB.*limit.*8\.00 MiB/);
      expect(await store.list()).toEqual([]);
    });

    it('lands all of 50 concurrent writes', async () => {
      const store = await makeStore(KEEP_ALL);
      const snapshots = Array.from({ length: 50 }, () => sampleSnapshot());
      await Promise.all(snapshots.map((s) => store.put(s)));
      const listed = new Set((await store.list()).map((s) => s.id));
      expect(listed).toEqual(new Set(snapshots.map((s) => s.id)));
      const read = await Promise.all(snapshots.map((s) => store.get(s.id)));
      expect(read).toEqual(snapshots);
    });
  });
}
