// Where ELK runs: in a Web Worker when one can be started, so a large layout never blocks the page, and on the
// calling thread otherwise. The worker runs elkjs's own worker script and is spoken to through elkjs's elk-api.
// How the worker is started is the caller's business (the bundler has to see `new Worker(new URL(…))` itself).
import ElkApi, { type ELK } from 'elkjs/lib/elk-api.js';

export type ElkLayouter = Pick<ELK, 'layout'>;

export interface WorkerFirstOptions {
  /** Starts a worker running elkjs/lib/elk-worker.js; may throw when workers are unavailable. */
  startWorker: () => Worker;
  /** ELK on the calling thread, loaded only once the worker turns out to be unusable. */
  mainThread: () => Promise<ElkLayouter>;
  /** Told once, with the reason, when layouts move to the calling thread. */
  onFallback?: (reason: unknown) => void;
}

export function workerFirstElk({ startWorker, mainThread, onFallback }: WorkerFirstOptions): ElkLayouter {
  let local: Promise<ElkLayouter> | null = null;
  const onThisThread = (reason: unknown): Promise<ElkLayouter> => {
    if (!local) {
      onFallback?.(reason);
      local = mainThread();
    }
    return local;
  };

  let worker: Worker;
  try {
    worker = startWorker();
  } catch (err) {
    return { layout: (graph, args) => onThisThread(err).then((elk) => elk.layout(graph, args)) };
  }

  // elk-api listens to messages only: a worker whose script fails to load or that dies would leave every layout
  // waiting forever. Its error event ends it, and the layouts it had (and all later ones) run here instead.
  let failure: Error | null = null;
  const broken = new Promise<never>((_, reject) => {
    const fail = (event: Event) => {
      const { message } = event as Partial<ErrorEvent>;
      failure ??= new Error(`the layout worker failed${message ? `: ${message}` : ''}`);
      worker.terminate();
      reject(failure);
    };
    worker.addEventListener('error', fail);
    worker.addEventListener('messageerror', fail);
  });
  broken.catch(() => undefined);
  const elk = new ElkApi({ workerFactory: () => worker });

  return {
    layout: (graph, args) => {
      if (failure) return onThisThread(failure).then((e) => e.layout(graph, args));
      return Promise.race([elk.layout(graph, args), broken]).catch((err: unknown) => {
        // A layout ELK itself rejected stays rejected; only a broken worker is a reason to try again here.
        if (!failure) throw err;
        return onThisThread(failure).then((e) => e.layout(graph, args));
      });
    },
  };
}
