// Child process for the burst test: `count` puts at once into the file store, under whatever open-file limit the
// parent gave this process (ulimit -n). Prints one JSON line: how many puts succeeded, the failures' messages, and
// what the directory and the store hold once the background pruning is done.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sampleSnapshot } from '@/test/support/samples';
import { FileSnapshotStore } from '../file-store';

const [dataDir, countText, maxCountText] = process.argv.slice(2);
if (!dataDir || !countText || !maxCountText) throw new Error('usage: concurrent-puts.ts <data dir> <count> <maxCount>');
const count = Number(countText);
const store = new FileSnapshotStore(dataDir, { maxCount: Number(maxCountText), maxAgeDays: 0 }, { warn: () => undefined });
const base = Date.now();
const snapshots = Array.from({ length: count }, (_, i) => sampleSnapshot({ storedAt: new Date(base + i * 1000).toISOString() }));
const results = await Promise.allSettled(snapshots.map((s) => store.put(s)));
const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason instanceof Error ? r.reason.message : r.reason)] : []));
const listedRightAway = (await store.list()).map((s) => s.id);
await store.settled();
const onDisk = readdirSync(path.join(dataDir, 'snapshots')).filter((n) => n.endsWith('.json')).map((n) => n.replace(/\.json$/, ''));
process.stdout.write(
  `${JSON.stringify({ succeeded: results.length - failures.length, failures: [...new Set(failures)], listedRightAway, onDisk, newest: snapshots.slice(-Number(maxCountText)).map((s) => s.id) })}\n`,
);
