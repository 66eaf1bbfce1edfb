import { handler, parseBody, parseQuery } from '@/lib/api';
import { SourceQuery, TRACE_BODY_HINT, TraceBody, TracesQuery } from '@/lib/contract/requests';
import { ndjsonResponse } from '@/lib/probe/stream';
import { lastTrace, startTrace } from '@/lib/services/traces';
import type { OutsidePlan, TraceEvent } from '@/lib/types';

export const dynamic = 'force-dynamic';

/** The in-cluster trace streams as it runs; an outside vantage gets its plan (201) and sends the probes itself. */
const traceResponse = (started: AsyncIterable<TraceEvent> | OutsidePlan): Response =>
  Symbol.asyncIterator in started ? ndjsonResponse(started) : Response.json(started, { status: 201 });

/** Runs real probes (simulated in demo mode) and streams TraceEvents as NDJSON, or plans an outside vantage's probes. */
export const POST = handler(async (request: Request) => {
  const source = parseQuery(request, SourceQuery);
  const body = await parseBody(request, TraceBody, TRACE_BODY_HINT);
  return traceResponse(await startTrace(source, body, request.signal));
});

/** The last trace of this source for `?vantage=` (default in-cluster) and of every vantage, without probing. */
export const GET = handler(async (request: Request) => {
  const query = parseQuery(request, TracesQuery);
  return Response.json(await lastTrace(query, request.signal));
});
