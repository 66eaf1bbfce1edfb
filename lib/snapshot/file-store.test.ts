import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, watch, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sampleSnapshot } from '@/test/support/samples';
import { FILE_STORE_CONCURRENCY, FileSnapshotStore, type StoreWarn } from './file-store';
import { MAX_SNAPSHOT_BYTES } from './limits';
import { SnapshotSchema } from './schema';
import { describeSnapshotStoreContract } from './store.contract';

// Counts the files the store opens (temp files, heads, the directory for fsync), passing every call through.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return { ...real, open: vi.fn(real.open), readFile: vi.fn(real.readFile) };
});
const opened = () => vi.mocked(fsPromises.open).mock.calls.length + vi.mocked(fsPromises.readFile).mock.calls.length;

const dirs: string[] = [];
function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hopscope-snapshots-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeSnapshotStoreContract('file store', (retention) => new FileSnapshotStore(freshDataDir(), retention));

const KEEP_ALL = { maxCount: 1000, maxAgeDays: 0 };

describe('file store on disk', () => {
  it('keeps one JSON file per snapshot and no temp files after a write', async () => {
    const store = new FileSnapshotStore(freshDataDir(), KEEP_ALL);
    const snapshot = sampleSnapshot();
    await store.put(snapshot);
    expect(readdirSync(store.dir)).toEqual([`${snapshot.id}.json`]);
  });

  it('accepts snapshots too big for a ConfigMap but within its own limit', async () => {
    const store = new FileSnapshotStore(freshDataDir(), KEEP_ALL);
    const big = sampleSnapshot({ whatIf: ['x'.repeat(MAX_SNAPSHOT_BYTES / 2)] });
    await store.put(big);
    expect(await store.get(big.id)).toEqual(big);
  });

  it('reports a corrupt file as a 500 snapshot_corrupt error and leaves it out of the list', async () => {
    const store = new FileSnapshotStore(freshDataDir(), KEEP_ALL);
    const snapshot = sampleSnapshot();
    await store.put(snapshot);
    writeFileSync(path.join(store.dir, `${snapshot.id}.json`), '{"schemaVersion":1,"id":');
    await expect(store.get(snapshot.id)).rejects.toMatchObject({ status: 500, code: 'snapshot_corrupt' });
    expect(await store.list()).toEqual([]);
  });

  it('removes temp files left by a dead writer, but not fresh ones', async () => {
    const store = new FileSnapshotStore(freshDataDir(), KEEP_ALL);
    await store.put(sampleSnapshot());
    const stale = path.join(store.dir, 'AAAAAAAAAAAAAAAAAAAAAAAA.json.0a1b2c.tmp');
    const fresh = path.join(store.dir, 'BBBBBBBBBBBBBBBBBBBBBBBB.json.0a1b2c.tmp');
    writeFileSync(stale, '{"half":');
    writeFileSync(fresh, '{"half":');
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    utimesSync(stale, hourAgo, hourAgo);
    await store.prune();
    const names = readdirSync(store.dir);
    expect(names).not.toContain(path.basename(stale));
    expect(names).toContain(path.basename(fresh));
  });

  it('never leaves a torn snapshot when the writer is killed with SIGKILL mid-write', async () => {
    const dataDir = freshDataDir();
    const snapshotsDir = path.join(dataDir, 'snapshots');
    const written: string[] = [];
    const tempFiles = () => readdirSync(snapshotsDir).filter((name) => name.endsWith('.tmp')).length;
    // A kill can land just after a rename; keep killing until one demonstrably hit a write in flight.
    for (let round = 0; round < 3 || (tempFiles() === 0 && round < 12); round++) {
      written.push(...(await killWriterMidWrite(dataDir, snapshotsDir)));
    }

    // Proof that the kills hit writes in flight: their temp files are still there, and ignored.
    expect(tempFiles()).toBeGreaterThan(0);
    const store = new FileSnapshotStore(dataDir, KEEP_ALL);
    const files = readdirSync(snapshotsDir).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(written.length);
    for (const file of files) {
      const snapshot = await store.get(file.replace(/\.json$/, ''));
      expect(SnapshotSchema.safeParse(snapshot).success).toBe(true);
    }
    const listed = new Set((await store.list()).map((s) => s.id));
    for (const id of written) expect(listed.has(id)).toBe(true);
  }, 60_000);
});

describe('file store under load', () => {
  /** `count` snapshots stored one second apart, oldest first. */
  const series = (count: number) => {
    const base = Date.now() - count * 1000;
    return Array.from({ length: count }, (_, i) => sampleSnapshot({ storedAt: new Date(base + i * 1000).toISOString() }));
  };

  it('opens the same few files per put however many the store holds: no reading every file on every write', async () => {
    const store = new FileSnapshotStore(freshDataDir(), { maxCount: 1000, maxAgeDays: 0 });
    for (const s of series(100)) await store.put(s);
    const before = opened();
    for (const s of series(20)) await store.put(s);
    // Temp file and directory fsync: two per put.
    expect(opened() - before).toBe(2 * 20);
  });

  it('lands 200 concurrent puts and keeps exactly the newest maxCount, dropped ones gone at once', async () => {
    const store = new FileSnapshotStore(freshDataDir(), { maxCount: 50, maxAgeDays: 0 });
    const snapshots = series(200);
    const results = await Promise.allSettled(snapshots.map((s) => store.put(s)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const newest = new Set(snapshots.slice(-50).map((s) => s.id));
    // Before the background deletions finish, the dropped ones are already gone for readers.
    expect(new Set((await store.list()).map((s) => s.id))).toEqual(newest);
    expect(await store.get(snapshots[0]!.id)).toBeNull();
    expect(await store.delete(snapshots[0]!.id)).toBe(false);
    await store.settled();
    expect(new Set(readdirSync(store.dir).map((n) => n.replace(/\.json$/, '')))).toEqual(newest);
  });

  it('builds its index once from what is already on disk, and keeps the policy for it', async () => {
    const dataDir = freshDataDir();
    const snapshots = series(30);
    const first = new FileSnapshotStore(dataDir, { maxCount: 1000, maxAgeDays: 0 });
    for (const s of snapshots) await first.put(s);
    // A new process with a tighter policy: its first write reads the directory once and drops the oldest.
    const second = new FileSnapshotStore(dataDir, { maxCount: 10, maxAgeDays: 0 });
    const next = sampleSnapshot();
    await second.put(next);
    await second.settled();
    const kept = new Set([...snapshots.slice(-9).map((s) => s.id), next.id]);
    expect(new Set(readdirSync(second.dir).map((n) => n.replace(/\.json$/, '')))).toEqual(kept);
  });

  it('does not fail a put after its rename: a pruning failure is logged', async () => {
    const warnings: Parameters<StoreWarn>[] = [];
    const store = new FileSnapshotStore(freshDataDir(), { maxCount: 1, maxAgeDays: 0 }, { warn: (...args) => warnings.push(args) });
    // Something under an old snapshot's name that cannot be unlinked (a directory), older than anything put.
    const stuck = 'SSSSSSSSSSSSSSSSSSSSSSSS';
    mkdirSync(path.join(store.dir, `${stuck}.json`), { recursive: true });
    const longAgo = new Date('2020-01-01T00:00:00.000Z');
    utimesSync(path.join(store.dir, `${stuck}.json`), longAgo, longAgo);

    const snapshot = sampleSnapshot();
    await expect(store.put(snapshot)).resolves.toBeUndefined();
    await store.settled();
    expect(await store.get(snapshot.id)).toEqual(snapshot);
    expect(warnings).toEqual([[expect.stringMatching(/could not delete/), expect.objectContaining({ id: stuck })]]);
  });

  it(
    'lands 200 concurrent shares in a process allowed only 64 open files (where reading every file on every write hit EMFILE)',
    async () => {
      const dataDir = freshDataDir();
      const script = path.join(import.meta.dirname, 'testdata', 'concurrent-puts.ts');
      const { stdout } = await promisify(execFile)('bash', ['-c', `ulimit -Sn 64 && exec "$0" --import tsx "$@"`, process.execPath, script, dataDir, '200', '50'], {
        cwd: path.join(import.meta.dirname, '..', '..'),
      });
      const result = JSON.parse(stdout) as { succeeded: number; failures: string[]; listedRightAway: string[]; onDisk: string[]; newest: string[] };
      expect(result.failures).toEqual([]);
      expect(result.succeeded).toBe(200);
      expect(new Set(result.listedRightAway)).toEqual(new Set(result.newest));
      expect(new Set(result.onDisk)).toEqual(new Set(result.newest));
      expect(FILE_STORE_CONCURRENCY).toBeLessThan(64 / 2);
    },
    60_000,
  );
});

/**
 * Runs the write loop in a child process, lets a few writes complete, then kills it with SIGKILL the moment the next
 * temp file appears, i.e. while that write is in flight. Returns the ids the child reported as written.
 */
async function killWriterMidWrite(dataDir: string, snapshotsDir: string): Promise<string[]> {
  const writer = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'testdata', 'write-loop.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => writer.on('exit', (_code, signal) => resolve(signal)));

  const written: string[] = [];
  for await (const line of createInterface({ input: writer.stdout })) {
    written.push(line);
    if (written.length === 3) break;
  }
  await new Promise<void>((resolve) => {
    const watcher = watch(snapshotsDir, (_event, name) => {
      if (name?.endsWith('.tmp')) {
        writer.kill('SIGKILL');
        watcher.close();
        resolve();
      }
    });
  });
  expect(await exited, stderr).toBe('SIGKILL');
  return written;
}
