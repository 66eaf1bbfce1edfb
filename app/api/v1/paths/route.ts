import { z } from 'zod';
import { handler, parseQuery, SourceQuery } from '@/lib/api';
import { badRequest } from '@/lib/errors';
import { getInventory } from '@/lib/k8s/inventory';
import { buildPaths, formatWhatIf, parseWhatIfList } from '@/lib/model';
import type { PathsResponse } from '@/lib/types';

export const dynamic = 'force-dynamic';

// ?whatIf= may repeat and each value may be a comma list (grammar in lib/model/whatif.ts).
const WhatIfParams = z.array(z.string().min(1).max(2000)).max(32);

/** Every way into the cluster with predicted client address per hop, verdicts and fixes; optionally with what-ifs. */
export const GET = handler(async (request: Request) => {
  const query = parseQuery(request, SourceQuery);
  const raw = WhatIfParams.safeParse(new URL(request.url).searchParams.getAll('whatIf'));
  if (!raw.success) throw badRequest('whatIf: at most 32 values of up to 2000 characters');
  const whatIf = raw.data.flatMap(parseWhatIfList);
  const inventory = await getInventory(query);
  const body: PathsResponse = {
    source: inventory.source,
    paths: buildPaths(inventory, whatIf),
    whatIf: whatIf.map(formatWhatIf),
    errors: inventory.errors,
  };
  return Response.json(body);
});
