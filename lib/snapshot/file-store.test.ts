import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@/test/support/samples';
import { FileSnapshotStore } from './file-store';
import { MAX_SNAPSHOT_BYTES } from './limits';
import { SnapshotSchema } from './schema';
import { describeSnapshotStoreContract } from './store.contract';

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
