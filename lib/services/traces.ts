import 'server-only';
import { config } from '@/lib/config';
import { badRequest, HopscopeError } from '@/lib/errors';
import type { ReportsBodyInput, SourceQueryInput, TraceBodyInput, TracesQueryInput } from '@/lib/contract/requests';
import { getInventory } from '@/lib/k8s/inventory';
import { log } from '@/lib/log';
import { countTraceEvents } from '@/lib/metrics';
import { runTrace, simulateTrace } from '@/lib/probe/engine';
import { outsideTraces, outsideVantage } from '@/lib/probe/outside';
import { selectPaths } from '@/lib/probe/select';
import { lastTracesByVantage, rememberTrace, sourceKey } from '@/lib/probe/store';
import { socketTransport } from '@/lib/probe/transport';
import type { LastTraces, OutsidePlan, ReportsAnswer, TraceEvent } from '@/lib/types';
import { currentPaths } from './paths';
import { processState } from '@/lib/process-state';

/**
 * POST /api/v1/traces: everything that can be refused (unknown context, unknown path id) is checked before the
 * first event, so it still answers with an HTTP error; then real probes run (simulated in demo mode) and the
 * events stream out. The finished run is remembered for GET /api/v1/traces and snapshots. An outside vantage
 * (browser, agent) gets its plan instead: it sends the probes and posts what came back (postReports).
 */
export function startTrace(source: SourceQueryInput, body: TraceBodyInput & { vantage?: 'in-cluster' }, signal?: AbortSignal): Promise<AsyncIterable<TraceEvent>>;
export function startTrace(source: SourceQueryInput, body: TraceBodyInput, signal?: AbortSignal): Promise<AsyncIterable<TraceEvent> | OutsidePlan>;
export async function startTrace(source: SourceQueryInput, body: TraceBodyInput, signal?: AbortSignal): Promise<AsyncIterable<TraceEvent> | OutsidePlan> {
  const vantage = body.vantage ?? 'in-cluster';
  if (body.agentName !== undefined && vantage !== 'agent') throw badRequest(`agentName names an agent; this trace is for vantage "${vantage}"`, 'send agentName only with "vantage": "agent"');
  // The request's signal bounds the discovery only; once events stream, the stream's cancel ends the trace.
  const { inventory, paths: all } = await currentPaths(source, signal);
  const key = sourceKey(inventory.source);
  if (vantage !== 'in-cluster') {
    // Without pathIds every path is listed, so the plan also says why ClusterIP and egress paths are not probed.
    const paths = body.pathIds ? selectPaths(all, body.pathIds) : all;
    const scope = { probeAnyService: config().probeAnyService };
    return outsideTraces.start({ sourceKey: key, vantage: outsideVantage(vantage, body.agentName ?? null), paths, inventory, scope });
  }
  const paths = selectPaths(all, body.pathIds);
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
const running = processState('running-traces', () => new Set<string>());
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

/**
 * POST /api/v1/traces/{id}/reports: counts what an outside vantage saw (lib/probe/outside.ts); the closed trace is
 * remembered as the last one of its source and vantage.
 */
export function postReports(traceId: string, body: ReportsBodyInput): ReportsAnswer {
  const { answer, closed, sourceKey: key } = outsideTraces.report(traceId, body);
  if (closed) rememberTrace(key, closed);
  return answer;
}

/** GET /api/v1/traces: the last trace of this source for `?vantage=` (in-cluster by default), and of each vantage. */
export async function lastTrace(query: TracesQueryInput, signal?: AbortSignal): Promise<LastTraces> {
  const { vantage = 'in-cluster', ...source } = query;
  const inventory = await getInventory({ ...source, signal });
  const byVantage = lastTracesByVantage(sourceKey(inventory.source));
  return { trace: byVantage[vantage], byVantage };
}
