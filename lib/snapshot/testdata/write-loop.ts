// Child process for the durability test: writes snapshots to the file store as fast as it can and prints each id
// once put() has returned, until the test kills it with SIGKILL.
import { randomBytes } from 'node:crypto';
import { sampleSnapshot } from '@/test/support/samples';
import { FileSnapshotStore } from '../file-store';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: write-loop.ts <data dir>');
const store = new FileSnapshotStore(dataDir, { maxCount: 1_000_000, maxAgeDays: 0 });
// About 1.3 MB per snapshot, so that a kill very likely lands in the middle of a write.
const padding = randomBytes(1024 * 1024).toString('base64');
for (;;) {
  const snapshot = sampleSnapshot({ whatIf: [padding] });
  await store.put(snapshot);
  process.stdout.write(`${snapshot.id}\n`);
}
