import { handler, parseQuery, requireSnapshotAdmin } from '@/lib/api';
import { DownloadQuery } from '@/lib/contract/requests';
import { deleteSnapshot, getSnapshot } from '@/lib/snapshot/service';

export const dynamic = 'force-dynamic';

interface Params {
  params: Promise<{ id: string }>;
}

const attachment = (id: string): HeadersInit => ({ 'Content-Disposition': `attachment; filename="hopscope-snapshot-${id}.json"` });

export const GET = handler(async (request: Request, { params }: Params) => {
  const { download } = parseQuery(request, DownloadQuery);
  const { id } = await params;
  return Response.json(await getSnapshot(id), { headers: download === '1' ? attachment(id) : {} });
});

export const DELETE = handler(async (request: Request, { params }: Params) => {
  requireSnapshotAdmin(request);
  const { id } = await params;
  return Response.json(await deleteSnapshot(id));
});
