import type { TraceEvent, TraceRun } from '@/lib/types';
import { errorBody } from '@/lib/errors';

/**
 * Streams trace events as NDJSON (one JSON object per line) so the UI can show each probe as it lands.
 * `onDone` receives the finished run; a failure mid-stream becomes a final `error` line and goes to `onError`
 * (the HTTP status is long sent by then, so the server log is the only other place it can show).
 */
export function ndjsonResponse(
  events: AsyncIterable<TraceEvent>,
  onDone: (trace: TraceRun) => void,
  onError: (err: unknown) => void = () => {},
): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (event: TraceEvent) => controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      try {
        for await (const event of events) {
          if (event.type === 'done') onDone(event.trace);
          write(event);
        }
      } catch (err) {
        onError(err);
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
