// Progress on long work (reading a big cluster, thousands of manifest files), for people: one line on stderr,
// rewritten in place, at most ten times a second, and cleared when the work is done. Only on a terminal: piped or
// in CI, stderr stays free of it, so what a script reads there is errors alone.
import type { DiscoveryProgress } from '../k8s/client';
import type { CliIo } from './probe';

export interface ProgressLine {
  show: (text: string) => void;
  done: () => void;
}

export function progressLine(io: CliIo, now: () => number = Date.now, everyMs = 100): ProgressLine | null {
  if (io.stderrIsTty !== true) return null;
  let last = -Infinity;
  let shown = false;
  return {
    show: (text) => {
      const t = now();
      if (t - last < everyMs) return;
      last = t;
      shown = true;
      io.err(`\r\x1b[K${text}`);
    },
    done: () => {
      if (shown) io.err('\r\x1b[K');
    },
  };
}

/** "reading the cluster: 41,500 objects (pods 30,000)", from the pages discovery reads. */
export function discoveryProgress(line: ProgressLine): DiscoveryProgress {
  const byList = new Map<string, number>();
  let total = 0;
  return ({ path, items }) => {
    total += items - (byList.get(path) ?? 0);
    byList.set(path, items);
    const resource = path.split('/').filter(Boolean).at(-1) ?? path;
    line.show(`reading the cluster: ${total.toLocaleString('en-US')} objects (${resource} ${items.toLocaleString('en-US')})`);
  };
}
