import { handler, parseBody } from '@/lib/api';
import { REPORTS_BODY_HINT, ReportsBody } from '@/lib/contract/requests';
import { postReports } from '@/lib/services/traces';

export const dynamic = 'force-dynamic';

/** What an outside vantage saw for its planned probes; `done` (or the last report) closes and compares the trace. */
export const POST = handler(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const body = await parseBody(request, ReportsBody, REPORTS_BODY_HINT);
  return Response.json(postReports((await context.params).id, body));
});
