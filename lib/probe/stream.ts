import type { TraceEvent } from '@/lib/types';
import { errorBody } from '@/lib/errors';

/**
 * Streams trace events as NDJSON (one JSON object per line) so the UI can show each probe as it lands. A failure
 * mid-stream becomes a final `error` line: the HTTP status is long sent by then.
 */
export function ndjsonResponse(events: AsyncIterable<TraceEvent>): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (event: TraceEvent) => controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      try {
        for await (const event of events) write(event);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        write({ type: 'error', error: errorBody('trace_failed', `the trace stopped: ${message}`).error });
      }
      controller.close();
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
