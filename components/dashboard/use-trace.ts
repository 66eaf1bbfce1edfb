'use client';

import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { TraceEvent } from '@/lib/types';
import { IDLE_TRACE, type TraceProgress, applyTraceEvent, beginTrace, cancelTrace, parseTraceLine, splitLines } from '@/lib/graph/trace-state';
import { errorMessage } from './fetch-json';

type Action = { type: 'event'; event: TraceEvent } | { type: 'begin' } | { type: 'cancel' } | { type: 'reset' };

function reducer(state: TraceProgress, action: Action): TraceProgress {
  if (action.type === 'begin') return beginTrace(state);
  if (action.type === 'cancel') return cancelTrace(state);
  if (action.type === 'reset') return IDLE_TRACE;
  return applyTraceEvent(state, action.event);
}

const failure = (message: string): TraceEvent => ({ type: 'error', error: { code: 'trace_failed', message } });

/**
 * Runs POST /api/v1/traces and folds its NDJSON stream into TraceProgress as each line arrives.
 * Only ever called from a button: probes are never sent on page load.
 */
export function useTrace(apiQuery: string) {
  const [state, dispatch] = useReducer(reducer, IDLE_TRACE);
  const running = useRef<AbortController | null>(null);

  const run = useCallback(
    async (pathIds: string[]) => {
      running.current?.abort();
      const controller = new AbortController();
      running.current = controller;
      dispatch({ type: 'begin' });
      try {
        const response = await fetch(`/api/v1/traces${apiQuery}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
          body: JSON.stringify({ pathIds }),
          signal: controller.signal,
        });
        if (!response.ok || !response.body) {
          dispatch({ type: 'event', event: failure(await errorMessage(response)) });
          return;
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let carry = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const split = splitLines(carry, value);
          carry = split.carry;
          for (const line of split.lines) dispatch({ type: 'event', event: parseTraceLine(line) });
        }
        if (carry.trim()) dispatch({ type: 'event', event: parseTraceLine(carry) });
      } catch (err) {
        if (controller.signal.aborted) dispatch({ type: 'cancel' });
        else dispatch({ type: 'event', event: failure(err instanceof Error ? err.message : String(err)) });
      } finally {
        if (running.current === controller) running.current = null;
      }
    },
    [apiQuery],
  );

  const cancel = useCallback(() => {
    running.current?.abort();
    dispatch({ type: 'cancel' });
  }, []);

  // A different cluster source makes earlier observations meaningless.
  useEffect(() => {
    running.current?.abort();
    dispatch({ type: 'reset' });
  }, [apiQuery]);

  useEffect(() => () => running.current?.abort(), []);

  return { trace: state, run, cancel };
}
