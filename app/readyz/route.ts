import { handler, parseQuery } from '@/lib/api';
import { SourceQuery } from '@/lib/contract/requests';
import { checkReadiness } from '@/lib/k8s/inventory';

export const dynamic = 'force-dynamic';

/** Readiness: 200 when the configured source answers within the timeout (or in demo mode), else 503 with the error envelope. */
export const GET = handler(async (request) => {
  const query = parseQuery(request, SourceQuery);
  return Response.json({ status: 'ok', ...(await checkReadiness(query)) });
});
