// Client-side state of a streamed trace (POST /api/v1/traces answers NDJSON, one TraceEvent per line).
// Line splitting and the reducer are pure so the streaming UI can be tested without a browser.
import type { PathTrace, ProbeResult, TraceEvent, TraceRun } from '@/lib/types';

export type TraceStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface TraceProgress {
  status: TraceStatus;
  traceId: string | null;
  simulated: boolean;
  done: number;
  total: number;
  /** Probes as they land, per path id. */
  probes: Record<string, ProbeResult[]>;
  /** Finished path traces (observed hops, observed verdict), per path id. */
  paths: Record<string, PathTrace>;
  run: TraceRun | null;
  error: string | null;
}

export const IDLE_TRACE: TraceProgress = {
  status: 'idle',
  traceId: null,
  simulated: false,
  done: 0,
  total: 0,
  probes: {},
  paths: {},
  run: null,
  error: null,
};

/** Splits streamed text into complete lines; the unfinished tail is carried to the next chunk. */
export function splitLines(carry: string, chunk: string): { lines: string[]; carry: string } {
  const text = carry + chunk;
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((l) => l.trim()).filter(Boolean), carry: rest };
}

const EVENT_TYPES = new Set(['start', 'probe', 'path', 'done', 'error']);

/** Parses one NDJSON line; anything that is not a trace event becomes an error event instead of a crash. */
export function parseTraceLine(line: string): TraceEvent {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && EVENT_TYPES.has((value as { type?: unknown }).type as string)) {
      return value as TraceEvent;
    }
  } catch {
    // fall through to the error event below
  }
  return { type: 'error', error: { code: 'bad_stream', message: `unreadable trace event: ${line.slice(0, 120)}` } };
}

function without<T>(record: Record<string, T>, keys: string[]): Record<string, T> {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
}

export function applyTraceEvent(state: TraceProgress, event: TraceEvent): TraceProgress {
  switch (event.type) {
    case 'start':
      // Results of paths this run does not probe stay on screen.
      return {
        ...IDLE_TRACE,
        status: 'running',
        traceId: event.traceId,
        simulated: event.simulated,
        total: event.probeCount,
        probes: without(state.probes, event.pathIds),
        paths: without(state.paths, event.pathIds),
      };
    case 'probe': {
      const { pathId } = event.probe;
      return {
        ...state,
        done: event.done,
        total: event.total,
        probes: { ...state.probes, [pathId]: [...(state.probes[pathId] ?? []), event.probe] },
      };
    }
    case 'path':
      return { ...state, paths: { ...state.paths, [event.path.pathId]: event.path } };
    case 'done': {
      const paths = { ...state.paths };
      for (const p of event.trace.paths) paths[p.pathId] ??= p;
      return { ...state, status: 'done', run: event.trace, simulated: event.trace.simulated, done: state.total || state.done, paths };
    }
    case 'error':
      return { ...state, status: 'failed', error: event.error.message };
  }
}

/** The request is on its way: cancellable before the server's first line arrives. */
export function beginTrace(state: TraceProgress): TraceProgress {
  return { ...state, status: 'running', done: 0, total: 0, error: null };
}

/** The running trace was aborted by the user: keep what landed, mark it so. */
export function cancelTrace(state: TraceProgress): TraceProgress {
  return state.status === 'running' ? { ...state, status: 'cancelled' } : state;
}
