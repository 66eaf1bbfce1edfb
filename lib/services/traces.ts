import 'server-only';
import { config } from '@/lib/config';
import { HopscopeError } from '@/lib/errors';
import type { SourceQueryInput, TraceBodyInput } from '@/lib/contract/requests';
import { getInventory } from '@/lib/k8s/inventory';
import { log } from '@/lib/log';
import { countTraceEvents } from '@/lib/metrics';
import { runTrace, simulateTrace } from '@/lib/probe/engine';
import { selectPaths } from '@/lib/probe/select';
import { getLastTrace, rememberTrace, sourceKey } from '@/lib/probe/store';
import { socketTransport } from '@/lib/probe/transport';
import type { TraceEvent, TraceRun } from '@/lib/types';
import { currentPaths } from './paths';

/**
 * POST /api/v1/traces: everything that can be refused (unknown context, unknown path id) is checked before the
 * first event, so it still answers with an HTTP error; then real probes run (simulated in demo mode) and the
 * events stream out. The finished run is remembered for GET /api/v1/traces and snapshots.
 */
export async function startTrace(source: SourceQueryInput, body: TraceBodyInput, signal?: AbortSignal): Promise<AsyncIterable<TraceEvent>> {
  // The request's signal bounds the discovery only; once events stream, the stream's cancel ends the trace.
  const { inventory, paths: all } = await currentPaths(source, signal);
  const paths = selectPaths(all, body.pathIds);
  const key = sourceKey(inventory.source);
  claim(key);
  const events =
    inventory.source.mode === 'demo'
      ? simulateTrace(paths, inventory)
      : runTrace({
          paths,
          inventory,
          transport: socketTransport,
          timeoutMs: config().probeTimeoutMs,
          concurrency: config().probeConcurrency,
        });
  return remembered(key, countTraceEvents(events));
}

/** Sources with a trace in flight: one at a time per cluster, and a few in all, so nobody can flood a cluster with probes. */
const running = new Set<string>();
export const MAX_RUNNING_TRACES = 4;

function claim(key: string): void {
  if (running.has(key)) {
    throw new HopscopeError('trace_running', `a trace of ${key} is already running`, 'wait for it to finish: its result is at GET /api/v1/traces');
  }
  if (running.size >= MAX_RUNNING_TRACES) {
    throw new HopscopeError('probe_budget_exhausted', `${running.size} traces are running`, 'try again when one has finished');
  }
  running.add(key);
}

async function* remembered(key: string, events: AsyncIterable<TraceEvent>): AsyncGenerator<TraceEvent> {
  try {
    for await (const event of events) {
      if (event.type === 'done') rememberTrace(key, event.trace);
      yield event;
    }
  } catch (err) {
    // The HTTP status is long sent by then: the log is the only other place a mid-stream failure can show.
    log().error({ err, source: key }, 'trace stopped');
    throw err;
  } finally {
    // Also when the client goes away mid-stream: the stream's cancel ends this generator.
    running.delete(key);
  }
}

/** GET /api/v1/traces: the last trace of this source, without probing. */
export async function lastTrace(source: SourceQueryInput, signal?: AbortSignal): Promise<{ trace: TraceRun | null }> {
  const inventory = await getInventory({ ...source, signal });
  return { trace: getLastTrace(sourceKey(inventory.source)) };
}
