import { handler, parseBody, parseQuery } from '@/lib/api';
import { SourceQuery, TRACE_BODY_HINT, TraceBody } from '@/lib/contract/requests';
import { ndjsonResponse } from '@/lib/probe/stream';
import { lastTrace, startTrace } from '@/lib/services/traces';

export const dynamic = 'force-dynamic';

/** Runs real probes (simulated in demo mode) and streams TraceEvents as NDJSON. */
export const POST = handler(async (request: Request) => {
  const source = parseQuery(request, SourceQuery);
  const body = await parseBody(request, TraceBody, TRACE_BODY_HINT);
  return ndjsonResponse(await startTrace(source, body, request.signal));
});

/** The last trace of this source, without probing: `{trace: TraceRun | null}`. */
export const GET = handler(async (request: Request) => {
  const source = parseQuery(request, SourceQuery);
  return Response.json(await lastTrace(source, request.signal));
});
