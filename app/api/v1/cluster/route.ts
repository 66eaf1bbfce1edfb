import { handler, parseQuery } from '@/lib/api';
import { SourceQuery } from '@/lib/contract/requests';
import { getInventory } from '@/lib/k8s/inventory';

export const dynamic = 'force-dynamic';

/** GET /api/v1/cluster?context=&scenario= → ClusterInventory (live, or a demo scenario). */
export const GET = handler(async (request) => {
  const query = parseQuery(request, SourceQuery);
  return Response.json(await getInventory({ ...query, signal: request.signal }));
});
