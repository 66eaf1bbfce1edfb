import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { isSnapshotId } from './ids';
import { Limiter } from './limiter';
import { assertSnapshotSize } from './limits';
import { SnapshotSchema, parseStoredSnapshot, type Snapshot, type SnapshotSummary } from './schema';
import { idsToPrune, newestFirst, warnOnStderr, type RetentionPolicy, type SnapshotStore, type StoreWarn } from './store';

export type { StoreWarn } from './store';

const SNAPSHOT_FILE = /^([A-Za-z0-9_-]{24})\.json$/;
const TEMP_SUFFIX = '.tmp';
/** A temp file this old belongs to a writer that died (SIGKILL, power loss); a live write takes milliseconds. */
const STALE_TEMP_MS = 10 * 60 * 1000;

const SUMMARY_HEAD_BYTES = 8 * 1024;

/** File operations in flight at once, across puts, reads, listing and pruning: each holds at most one open file. */
export const FILE_STORE_CONCURRENCY = 16;
/**
 * How old the in-memory index may get before it is rebuilt from the directory in the background, to pick up what
 * another process wrote or an operator deleted.
 */
export const REINDEX_INTERVAL_MS = 5 * 60 * 1000;

async function readHead(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

const SummarySchema = SnapshotSchema.pick({
  id: true,
  createdAt: true,
  storedAt: true,
  context: true,
  redacted: true,
  entry: true,
  imported: true,
});

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export interface FileStoreOptions {
  warn?: StoreWarn;
}

/** One snapshot as retention sees it. `seq` orders index updates, so a rebuild keeps what was put meanwhile. */
interface Indexed {
  storedAt: string;
  seq: number;
}

/**
 * One JSON file per snapshot in `<dataDir>/snapshots`. Writes go to a temp file that is fsynced and then renamed over
 * the final name (rename is atomic on POSIX), and the directory is fsynced so the rename itself survives a crash:
 * a reader sees either no snapshot or a complete one, never a torn file.
 *
 * Retention works on an in-memory index (id → storedAt) that is built from the directory once and then kept up to
 * date by put and delete, so a write never reads the other files. A put decides at once which snapshots the policy
 * drops — from then on get, list and delete treat them as gone — and one background task deletes their files, a few
 * at a time. Every file operation goes through one limiter, so a burst of shares holds a bounded number of open
 * files. Once the rename has succeeded the put succeeds: what fails after it (directory fsync, index, pruning) is
 * reported through `warn`.
 */
export class FileSnapshotStore implements SnapshotStore {
  readonly kind = 'file';
  readonly dir: string;
  private readonly io = new Limiter(FILE_STORE_CONCURRENCY);
  private readonly warn: StoreWarn;

  private index: Map<string, Indexed> | null = null;
  private indexing: Promise<void> | null = null;
  private indexedAt = 0;
  private seq = 0;
  /** Ids the retention policy dropped whose files are not deleted yet. */
  private readonly dropped = new Set<string>();
  private readonly deletions: string[] = [];
  private deleting: Promise<void> | null = null;

  constructor(
    dataDir: string,
    private readonly retention: RetentionPolicy,
    options: FileStoreOptions = {},
  ) {
    this.dir = path.join(dataDir, 'snapshots');
    this.warn = options.warn ?? warnOnStderr;
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  async put(snapshot: Snapshot): Promise<void> {
    const json = JSON.stringify(SnapshotSchema.parse(snapshot));
    assertSnapshotSize(json);
    await this.io.run(async () => {
      await mkdir(this.dir, { recursive: true });
      const temp = `${this.fileOf(snapshot.id)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(json);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.fileOf(snapshot.id));
    });
    // The snapshot is stored. Nothing below may fail the put.
    await this.io.run(() => this.syncDir()).catch((err: unknown) =>
      this.warn('snapshot stored, but the directory fsync failed; the write may not survive a crash', { id: snapshot.id, error: errorText(err) }),
    );
    try {
      await this.readyIndex();
      this.remember(snapshot.id, snapshot.storedAt);
      this.applyRetention(new Date());
    } catch (err) {
      this.warn('snapshot stored, but retention could not run', { id: snapshot.id, error: errorText(err) });
    }
  }

  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async get(id: string): Promise<Snapshot | null> {
    if (!isSnapshotId(id) || this.dropped.has(id)) return null;
    let text: string;
    try {
      text = await this.io.run(() => readFile(this.fileOf(id), 'utf8'));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
    return parseStoredSnapshot(text, `file ${id}.json`);
  }

  /** Read from the directory (so it also shows what another process wrote), a bounded number of files at a time. */
  async list(): Promise<SnapshotSummary[]> {
    const ids = (await this.directory()).ids.filter((id) => !this.dropped.has(id));
    const summaries = await this.io.map(ids, (id) => this.readSummary(id));
    return summaries.filter((s): s is SnapshotSummary => s !== null).sort(newestFirst);
  }

  private async directory(): Promise<{ ids: string[]; temps: string[] }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return { ids: [], temps: [] };
      throw err;
    }
    return { ids: names.flatMap((name) => SNAPSHOT_FILE.exec(name)?.[1] ?? []), temps: names.filter((n) => n.endsWith(TEMP_SUFFIX)) };
  }

  /**
   * Reads only the head of the file: put() writes the summary fields before `inventory` (schema order), so listing
   * hundreds of multi-megabyte snapshots does not parse them all. Falls back to the whole file if the head is unusual.
   * A file deleted meanwhile (concurrent prune) or unreadable is left out of the list rather than failing it.
   */
  private async readSummary(id: string): Promise<SnapshotSummary | null> {
    try {
      const head = await readHead(this.fileOf(id), SUMMARY_HEAD_BYTES);
      const cut = head.indexOf(',"inventory":');
      const text = cut >= 0 ? `${head.slice(0, cut)}}` : await readFile(this.fileOf(id), 'utf8');
      const parsed = SummarySchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async delete(id: string): Promise<boolean> {
    if (!isSnapshotId(id) || this.dropped.has(id)) return false;
    this.index?.delete(id);
    try {
      await this.io.run(() => unlink(this.fileOf(id)));
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  /** Applies the policy at `now`, removes temp files of dead writers, and waits until the dropped files are gone. */
  async prune(now: Date = new Date()): Promise<string[]> {
    await this.readyIndex();
    const doomed = this.applyRetention(now);
    await this.removeStaleTempFiles((await this.directory()).temps, now);
    await this.settled();
    return doomed;
  }

  /** Resolves once the background work (deleting dropped files, rebuilding the index) is done. */
  async settled(): Promise<void> {
    while (this.deleting || this.indexing) await Promise.all([this.deleting, this.indexing?.catch(() => undefined)]);
  }

  // ───────────────────────────── index and retention ─────────────────────────────

  /** The index, built once; afterwards a stale one is rebuilt in the background while the current one serves. */
  private async readyIndex(): Promise<void> {
    if (this.index === null) {
      await this.reindex();
      return;
    }
    if (Date.now() - this.indexedAt > REINDEX_INTERVAL_MS) {
      void this.reindex().catch((err: unknown) => this.warn('rebuilding the snapshot index failed', { error: errorText(err) }));
    }
  }

  /** One rebuild at a time; callers during a rebuild share it. */
  private reindex(): Promise<void> {
    this.indexing ??= this.buildIndex().finally(() => {
      this.indexing = null;
    });
    return this.indexing;
  }

  private async buildIndex(): Promise<void> {
    const startSeq = this.seq;
    const { ids, temps } = await this.directory();
    const found = await this.io.map(ids, async (id) => ({ id, storedAt: await this.storedAtOf(id) }));
    const index = new Map<string, Indexed>();
    for (const { id, storedAt } of found) {
      if (storedAt === null) continue;
      if (this.dropped.has(id)) this.queueDeletion(id);
      else index.set(id, { storedAt, seq: startSeq });
    }
    // What was put while the directory was being read is newer than what the directory said.
    for (const [id, entry] of this.index ?? []) if (entry.seq > startSeq) index.set(id, entry);
    this.index = index;
    this.indexedAt = Date.now();
    this.applyRetention(new Date());
    await this.removeStaleTempFiles(temps, new Date());
  }

  /** From the file's head; for a file that does not parse, its modification time, so retention still reaches it. */
  private async storedAtOf(id: string): Promise<string | null> {
    const summary = await this.readSummary(id);
    if (summary) return summary.storedAt;
    const info = await stat(this.fileOf(id)).catch(() => null);
    return info ? info.mtime.toISOString() : null;
  }

  private remember(id: string, storedAt: string): void {
    this.seq += 1;
    this.dropped.delete(id);
    this.index?.set(id, { storedAt, seq: this.seq });
  }

  /** Drops what the policy no longer keeps from the index at once; the files go in the background. */
  private applyRetention(now: Date): string[] {
    if (!this.index) return [];
    const retained = [...this.index].map(([id, entry]) => ({ id, storedAt: entry.storedAt }));
    const doomed = idsToPrune(retained, this.retention, now);
    for (const id of doomed) {
      this.index.delete(id);
      this.dropped.add(id);
      this.queueDeletion(id);
    }
    return doomed;
  }

  private queueDeletion(id: string): void {
    this.deletions.push(id);
    this.startDeleting();
  }

  private startDeleting(): void {
    this.deleting ??= this.drainDeletions().finally(() => {
      this.deleting = null;
      // Queued after the loop saw an empty queue, before this ran.
      if (this.deletions.length > 0) this.startDeleting();
    });
  }

  /** The one background task that deletes dropped files; failures are logged and retried on the next rebuild. */
  private async drainDeletions(): Promise<void> {
    while (this.deletions.length > 0) {
      const batch = this.deletions.splice(0, FILE_STORE_CONCURRENCY);
      await this.io.map(batch, async (id) => {
        if (!this.dropped.has(id)) return; // put again since (same id)
        try {
          await unlink(this.fileOf(id));
          this.dropped.delete(id);
        } catch (err) {
          if (isErrno(err, 'ENOENT')) this.dropped.delete(id);
          else this.warn('could not delete a snapshot the retention policy dropped', { id, error: errorText(err) });
        }
      });
    }
  }

  private async removeStaleTempFiles(names: string[], now: Date): Promise<void> {
    await this.io.map(names, async (name) => {
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => null);
      if (info && now.getTime() - info.mtimeMs > STALE_TEMP_MS) await unlink(file).catch(() => undefined);
    });
  }
}
