import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { isSnapshotId } from './ids';
import { assertSnapshotSize } from './limits';
import { SnapshotSchema, parseStoredSnapshot, type Snapshot, type SnapshotSummary } from './schema';
import { newestFirst, pruneByPolicy, type RetentionPolicy, type SnapshotStore } from './store';

const SNAPSHOT_FILE = /^([A-Za-z0-9_-]{24})\.json$/;
const TEMP_SUFFIX = '.tmp';
/** A temp file this old belongs to a writer that died (SIGKILL, power loss); a live write takes milliseconds. */
const STALE_TEMP_MS = 10 * 60 * 1000;

const SUMMARY_HEAD_BYTES = 8 * 1024;

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

/**
 * One JSON file per snapshot in `<dataDir>/snapshots`. Writes go to a temp file that is fsynced and then renamed over
 * the final name (rename is atomic on POSIX), and the directory is fsynced so the rename itself survives a crash:
 * a reader sees either no snapshot or a complete one, never a torn file.
 */
export class FileSnapshotStore implements SnapshotStore {
  readonly kind = 'file';
  readonly dir: string;

  constructor(
    dataDir: string,
    private readonly retention: RetentionPolicy,
  ) {
    this.dir = path.join(dataDir, 'snapshots');
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  async put(snapshot: Snapshot): Promise<void> {
    const json = JSON.stringify(SnapshotSchema.parse(snapshot));
    assertSnapshotSize(json);
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
    await this.syncDir();
    await this.prune();
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
    if (!isSnapshotId(id)) return null;
    let text: string;
    try {
      text = await readFile(this.fileOf(id), 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
    return parseStoredSnapshot(text, `file ${id}.json`);
  }

  async list(): Promise<SnapshotSummary[]> {
    const ids = await this.storedIds();
    const summaries = await Promise.all(ids.map((id) => this.readSummary(id)));
    return summaries.filter((s): s is SnapshotSummary => s !== null).sort(newestFirst);
  }

  private async storedIds(): Promise<string[]> {
    try {
      const names = await readdir(this.dir);
      return names.flatMap((name) => SNAPSHOT_FILE.exec(name)?.[1] ?? []);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
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
    if (!isSnapshotId(id)) return false;
    try {
      await unlink(this.fileOf(id));
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  async prune(now: Date = new Date()): Promise<string[]> {
    const deleted = await pruneByPolicy(this, this.retention, now);
    await this.removeStaleTempFiles(now);
    return deleted;
  }

  private async removeStaleTempFiles(now: Date): Promise<void> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith(TEMP_SUFFIX));
    await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.dir, name);
        const info = await stat(file).catch(() => null);
        if (info && now.getTime() - info.mtimeMs > STALE_TEMP_MS) await unlink(file).catch(() => undefined);
      }),
    );
  }
}
