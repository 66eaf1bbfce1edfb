import { z } from 'zod';
import { handler, parseQuery, SourceQuery } from '@/lib/api';
import { badRequest } from '@/lib/errors';
import { ENTRY_KINDS, VERDICTS } from '@/lib/contract/enums';
import { filterPaths } from '@/lib/model/filter';
import { getInventory } from '@/lib/k8s/inventory';
import { buildPaths, formatWhatIf, parseWhatIfList } from '@/lib/model';
import type { PathsResponse } from '@/lib/types';

export const dynamic = 'force-dynamic';

// ?whatIf= may repeat and each value may be a comma list (grammar in lib/model/whatif.ts).
const WhatIfParams = z.array(z.string().min(1).max(2000)).max(32);

// The same filters as the dashboard's entry picker, so scripts can ask for, say, every spoofable path of a namespace.
const PathsQuery = SourceQuery.extend({
  namespace: z.string().min(1).max(253).optional(),
  kind: z.enum(ENTRY_KINDS).optional(),
  verdict: z.enum(VERDICTS).optional(),
  q: z.string().max(200).optional(),
});

/** Every way into the cluster with predicted client address per hop, verdicts and fixes; optionally with what-ifs. */
export const GET = handler(async (request: Request) => {
  const { namespace, kind, verdict, q, ...query } = parseQuery(request, PathsQuery);
  const raw = WhatIfParams.safeParse(new URL(request.url).searchParams.getAll('whatIf'));
  if (!raw.success) throw badRequest('whatIf: at most 32 values of up to 2000 characters');
  const whatIf = raw.data.flatMap(parseWhatIfList);
  const inventory = await getInventory(query);
  const all = buildPaths(inventory, whatIf);
  const paths = filterPaths(all, { namespace: namespace ?? null, kind: kind ?? null, verdict: verdict ?? null, query: q ?? '' });
  const body: PathsResponse = {
    source: inventory.source,
    paths,
    total: all.length,
    whatIf: whatIf.map(formatWhatIf),
    errors: inventory.errors,
  };
  return Response.json(body);
});
