import { z } from 'zod';
import { config } from '@/lib/config';
import { handler, parseBody, parseQuery, SourceQuery } from '@/lib/api';
import { getInventory } from '@/lib/k8s/inventory';
import { log } from '@/lib/log';
import { countTraceEvents } from '@/lib/metrics';
import { buildPaths } from '@/lib/model';
import { runTrace, simulateTrace } from '@/lib/probe/engine';
import { selectPaths } from '@/lib/probe/select';
import { getLastTrace, rememberTrace, sourceKey } from '@/lib/probe/store';
import { ndjsonResponse } from '@/lib/probe/stream';
import { socketTransport } from '@/lib/probe/transport';

export const dynamic = 'force-dynamic';

// Only path ids: probe targets come from discovered objects, never from the request. `.strict()` turns any
// other field (targets, url, address, …) into a 400.
const TraceBody = z
  .object({
    pathIds: z.array(z.string().min(1).max(512)).min(1).max(1000).optional(),
  })
  .strict();

/** Runs real probes (simulated in demo mode) and streams TraceEvents as NDJSON. */
export const POST = handler(async (request: Request) => {
  const query = parseQuery(request, SourceQuery);
  const body = await parseBody(
    request,
    TraceBody,
    'send {"pathIds": [...]} with ids from GET /api/v1/paths; probe targets come only from discovered cluster objects',
  );
  const inventory = await getInventory(query);
  const paths = selectPaths(buildPaths(inventory), body.pathIds);
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
  const key = sourceKey(inventory.source);
  return ndjsonResponse(
    countTraceEvents(events),
    (trace) => rememberTrace(key, trace),
    (err) => log().error({ err, source: key }, 'trace stopped'),
  );
});

/** The last trace of this source, without probing: `{trace: TraceRun | null}`. */
export const GET = handler(async (request: Request) => {
  const query = parseQuery(request, SourceQuery);
  const inventory = await getInventory(query);
  return Response.json({ trace: getLastTrace(sourceKey(inventory.source)) });
});
