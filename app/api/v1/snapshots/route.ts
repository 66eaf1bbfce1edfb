import { handler, parseBody, requestOrigin, requireSnapshotAdmin } from '@/lib/api';
import { ShareBody } from '@/lib/contract/requests';
import { listSnapshotLinks, share } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

export const POST = handler(async (request: Request) => {
  const options = await parseBody(request, ShareBody);
  return Response.json(await share(options, requestOrigin(request)), { status: 201 });
});

export const GET = handler(async (request: Request) => {
  requireSnapshotAdmin(request);
  return Response.json(await listSnapshotLinks(requestOrigin(request)));
});
