import { type ElkLayouter, workerFirstElk } from '@/lib/graph/elk-engine';

/** Bundlers see the worker script only in this literal form: `new Worker(new URL('./x', import.meta.url))`. */
function startWorker(): Worker {
  return new Worker(new URL('./elk.worker.ts', import.meta.url));
}

/** The fallback: ELK on the page itself. Its code is fetched only if it is needed. */
async function mainThreadElk(): Promise<ElkLayouter> {
  const { default: Elk } = await import('elkjs/lib/elk.bundled.js');
  return new Elk();
}

let elk: ElkLayouter | null = null;

/**
 * ELK, started once per page and only when a graph is drawn. It lays out in a Web Worker, so a large graph never
 * blocks the page; where no worker can run, it lays out here instead.
 */
export function loadElk(): ElkLayouter {
  elk ??= workerFirstElk({
    startWorker,
    mainThread: mainThreadElk,
    onFallback: (reason) => console.warn('The layout worker is unavailable; laying out on the page', reason),
  });
  return elk;
}
