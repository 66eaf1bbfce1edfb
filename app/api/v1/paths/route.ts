import { handler, parsePathsQuery } from '@/lib/api';
import { pathsAnswer } from '@/lib/services/paths';

export const dynamic = 'force-dynamic';

/** Every way into the cluster with predicted client address per hop, verdicts and fixes; optionally with what-ifs. */
export const GET = handler(async (request: Request) => {
  const query = parsePathsQuery(request);
  return pathsAnswer(query, request.signal);
});
