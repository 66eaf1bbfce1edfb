import { createRequire } from 'node:module';
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it, vi } from 'vitest';
import { buildHopGraph } from './elements';
import { workerFirstElk } from './elk-engine';
import { layoutHopGraph } from './layout';
import { echoIngressPath as shopIngressPath } from '@/test/support/samples';

type Message = { data: unknown };
// elkjs's in-thread stand-in for its worker: the same dispatcher the real worker script installs on `self`.
const { Worker: InThreadElkWorker } = createRequire(import.meta.url)('elkjs/lib/elk-worker.min.js') as {
  Worker: new () => { postMessage(message: unknown): void; onmessage: ((message: Message) => void) | null };
};

/** A Worker as the page sees one: messages are copied, and a script that cannot load reports an error event. */
class FakeWorker extends EventTarget {
  onmessage: ((message: Message) => void) | null = null;
  terminated = false;
  private readonly elk = new InThreadElkWorker();

  constructor(private readonly loads: boolean) {
    super();
    this.elk.onmessage = (message) => this.onmessage?.({ data: structuredClone(message.data) });
    if (!loads) setTimeout(() => this.dispatchEvent(new Event('error')), 5);
  }

  postMessage(message: unknown) {
    if (this.loads && !this.terminated) this.elk.postMessage(structuredClone(message));
  }

  terminate() {
    this.terminated = true;
  }
}

const graph = buildHopGraph(shopIngressPath);
const expected = () => layoutHopGraph(graph, new ELK());

function engine(start: () => FakeWorker) {
  const workers: FakeWorker[] = [];
  const mainThread = vi.fn(async () => new ELK());
  const onFallback = vi.fn();
  const elk = workerFirstElk({
    startWorker: () => {
      const worker = start();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    mainThread,
    onFallback,
  });
  return { elk, workers, mainThread, onFallback };
}

describe('workerFirstElk', () => {
  it('lays out in the worker, with the same result as ELK on this thread', async () => {
    const { elk, mainThread } = engine(() => new FakeWorker(true));
    const laid = await layoutHopGraph(graph, elk);
    expect(laid).toEqual(await expected());
    expect(mainThread).not.toHaveBeenCalled();
  });

  it('runs on this thread when no worker can be started', async () => {
    const noWorkers = new Error('Worker is not defined');
    const { elk, mainThread, onFallback } = engine(() => {
      throw noWorkers;
    });
    expect(await layoutHopGraph(graph, elk)).toEqual(await expected());
    await layoutHopGraph(graph, elk);
    expect(mainThread).toHaveBeenCalledTimes(1);
    expect(onFallback).toHaveBeenCalledExactlyOnceWith(noWorkers);
  });

  it('finishes the layouts a failed worker had, and all later ones, on this thread', async () => {
    const { elk, workers, mainThread, onFallback } = engine(() => new FakeWorker(false));
    const [first, second] = await Promise.all([layoutHopGraph(graph, elk), layoutHopGraph(graph, elk)]);
    expect(first).toEqual(await expected());
    expect(second).toEqual(first);
    expect(await layoutHopGraph(graph, elk)).toEqual(first);
    expect(workers[0]!.terminated).toBe(true);
    expect(mainThread).toHaveBeenCalledTimes(1);
    expect(onFallback).toHaveBeenCalledTimes(1);
  });

  it('passes on a layout ELK itself rejects, without giving up the worker', async () => {
    const { elk, mainThread } = engine(() => new FakeWorker(true));
    const dangling = { id: 'root', children: [{ id: 'a', width: 1, height: 1 }], edges: [{ id: 'e', sources: ['a'], targets: ['nowhere'] }] };
    await expect(elk.layout(dangling)).rejects.toBeDefined();
    expect(await layoutHopGraph(graph, elk)).toEqual(await expected());
    expect(mainThread).not.toHaveBeenCalled();
  });
});
