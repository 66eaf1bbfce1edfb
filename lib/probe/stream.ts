import type { TraceEvent } from '@/lib/types';
import { errorBody } from '@/lib/errors';

/**
 * Streams trace events as NDJSON (one JSON object per line) so the UI can show each probe as it lands. A failure
 * mid-stream becomes a final `error` line: the HTTP status is long sent by then.
 */
export function ndjsonResponse(events: AsyncIterable<TraceEvent>): Response {
  const encoder = new TextEncoder();
  const line = (event: TraceEvent) => encoder.encode(`${JSON.stringify(event)}\n`);
  const iterator = events[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(line(next.value));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        controller.enqueue(line({ type: 'error', error: errorBody('trace_failed', `the trace stopped: ${message}`).error }));
        controller.close();
      }
    },
    // The client went away: stop the trace instead of probing for nobody.
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

/** Reads an NDJSON trace answer back into events (for clients and tests). */
export function parseNdjson(text: string): TraceEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TraceEvent);
}
